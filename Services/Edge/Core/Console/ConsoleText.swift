/// The console's words in French and English; the page's language comes from the switch
/// (a cookie), else the browser's Accept-Language, else English.
enum ConsoleText {
    static let languages = ["en", "fr"]

    static func language(query: String?, cookie: String?, acceptLanguage: String?) -> String {
        if let query, languages.contains(query) { return query }
        if let cookie, languages.contains(cookie) { return cookie }
        for part in (acceptLanguage ?? "").split(separator: ",") {
            let tag = part.split(separator: ";")[0].trimmingCharacters(in: .whitespaces).lowercased()
            let language = String(tag.prefix(2))
            if languages.contains(language) { return language }
        }
        return "en"
    }

    static func words(_ language: String) -> [String: String] { language == "fr" ? french : english }

    static let english: [String: String] = [
        "heldFor": "Reserved for:", "until": "until", "hold-order": "an order", "hold-cart": "a cart held in store",
        "hold-quote": "a quote", "hold-associate": "an associate's hold",
        "inTransit": "In transit to here", "incoming": "On their way (not on hand until received):", "from": "from",
        "liveDesk": "Live: orders for pickup here appear and move as they happen on every channel.",
        "forCustomer": "For a customer", "orderCustomer": "Customer's phone, email or loyalty card", "quantity": "Quantity",
        "fulfil": "Where", "holdAt": "Hold for click & collect at", "homeDelivery": "Home delivery to the customer's address",
        "paymentReference": "Payment reference", "placeOrder": "Place the order",
        "orderHint": "Click & collect is paid at the desk when collected; home delivery needs the terminal's payment reference.",
        "outcome-confirmed": "confirmed; the customer is told", "outcome-insufficient-stock": "not enough stock there",
        "outcome-customer-not-found": "no customer with this phone, email or loyalty card", "outcome-no-address": "the customer has no address on file",
        "outcome-payment-required": "home delivery needs the terminal's payment reference", "outcome-bad-quantity": "the quantity is 1 to 99",
        "outcome-no-click-and-collect": "that store does not offer click & collect", "outcome-no-destination": "choose where the customer gets it",
        "console": "Omni staff console", "signInTitle": "Sign in", "name": "Login name", "password": "Password", "signIn": "Sign in",
        "signOut": "Sign out", "wrongPassword": "Wrong login name or password.",
        "tooMany": "Too many wrong passwords for this name: try again in %@ seconds.",
        "expired": "Your session ended: please sign in again.", "notConfigured": "The console has no staff directory or signing keys configured.",
        "formExpired": "This form expired: please try again.", "signedInAs": "Signed in as", "search": "Find a customer",
        "searchLabel": "Phone, email, loyalty card or name", "searchButton": "Search", "skip": "Skip to content",
        "language": "Language", "noResult": "No customer matches “%@”.", "results": "Customers", "store": "Store",
        "profile": "Profile", "identifiers": "Identifiers", "addresses": "Addresses", "consents": "Consents", "consentHistory": "Consent history",
        "granted": "granted", "refused": "refused", "loyalty": "Loyalty", "points": "points", "segments": "Segments", "orders": "Orders, every channel",
        "carts": "Open carts, every device", "messages": "Messages sent", "journey": "Journey", "entryChannel": "Entry channel",
        "firstPurchaseChannel": "Converting channel", "touchpoints": "Touchpoints before the first purchase", "channel": "Channel", "status": "Status",
        "total": "Total", "placedAt": "Placed", "none": "None yet.", "masked": "Personal data is hidden: your role does not include it.",
        "back": "Back to the search", "notFound": "No customer %@.", "live": "Live: this page updates as things happen.",
        "purchasesByChannel": "Purchases by channel", "medium": "Medium", "lines": "Items", "via": "via", "updated": "Updated at", "quotes": "Quotes", "validUntil": "valid until", "movements": "Latest movements", "stockTitle": "Stock near me", "productLabel": "Product name, sku or barcode",
        "noProduct": "No product matches “%@”.", "noStore": "You do not work for a store: ask with ?store=<id>.", "here": "This store",
        "availableUnits": "available", "onHand": "On hand", "reserved": "Reserved", "safetyStock": "Safety stock", "online": "Online, per channel",
        "nearby": "Stores nearby", "distance": "Distance", "liveStock": "Live: sales, returns and reservations on every channel move these numbers.",
        "customersNav": "Customers", "stockNav": "Stock", "deskNav": "Click & collect", "deskTitle": "Click & collect desk",
        "toPrepare": "To prepare", "readyList": "Ready, waiting for the customer", "overdue": "Overdue", "cancelledList": "Cancelled (not collected), last 24 h",
        "markReady": "Mark ready", "handOver": "Hand over", "pickupCode": "Pickup code", "collectBy": "collect by",
        "outcome-ready": "ready; the customer is told", "outcome-handed-over": "handed over", "outcome-wrong-pickup-code": "wrong pickup code",
        "outcome-not-your-store": "not an order of your store's desk", "outcome-pending": "sent; no answer yet", "outcome-refused": "refused",
    ]

    static let french: [String: String] = [
        "heldFor": "Réservé pour :", "until": "jusqu’au", "hold-order": "une commande", "hold-cart": "un panier réservé en magasin",
        "hold-quote": "un devis", "hold-associate": "une réservation vendeur",
        "inTransit": "En transit vers ici", "incoming": "En route (hors stock jusqu’à réception) :", "from": "de",
        "liveDesk": "En direct : les commandes à retirer ici apparaissent et avancent d’elles-mêmes, tous canaux.",
        "forCustomer": "Pour un client", "orderCustomer": "Téléphone, e-mail ou carte de fidélité du client", "quantity": "Quantité",
        "fulfil": "Où", "holdAt": "Réserver en click & collect à", "homeDelivery": "Livraison à l’adresse du client",
        "paymentReference": "Référence de paiement", "placeOrder": "Passer la commande",
        "orderHint": "Le click & collect se paie au comptoir au retrait ; la livraison demande la référence de paiement du terminal.",
        "outcome-confirmed": "confirmée ; le client est prévenu", "outcome-insufficient-stock": "pas assez de stock à cet endroit",
        "outcome-customer-not-found": "aucun client avec ce téléphone, cet e-mail ou cette carte", "outcome-no-address": "le client n’a pas d’adresse enregistrée",
        "outcome-payment-required": "la livraison demande la référence de paiement du terminal", "outcome-bad-quantity": "la quantité va de 1 à 99",
        "outcome-no-click-and-collect": "ce magasin ne propose pas le click & collect", "outcome-no-destination": "choisissez où le client la reçoit",
        "console": "Console Omni", "signInTitle": "Connexion", "name": "Identifiant", "password": "Mot de passe", "signIn": "Se connecter",
        "signOut": "Se déconnecter", "wrongPassword": "Identifiant ou mot de passe incorrect.",
        "tooMany": "Trop de mots de passe erronés pour cet identifiant : réessayez dans %@ secondes.",
        "expired": "Votre session a pris fin : reconnectez-vous.", "notConfigured": "La console n’a ni annuaire du personnel ni clés de signature.",
        "formExpired": "Ce formulaire a expiré : réessayez.", "signedInAs": "Connecté·e en tant que", "search": "Trouver un client",
        "searchLabel": "Téléphone, e-mail, carte de fidélité ou nom", "searchButton": "Rechercher", "skip": "Aller au contenu",
        "language": "Langue", "noResult": "Aucun client ne correspond à « %@ ».", "results": "Clients", "store": "Magasin",
        "profile": "Profil", "identifiers": "Identifiants", "addresses": "Adresses", "consents": "Consentements", "consentHistory": "Historique des consentements",
        "granted": "accordé", "refused": "refusé", "loyalty": "Fidélité", "points": "points", "segments": "Segments", "orders": "Commandes, tous canaux",
        "carts": "Paniers ouverts, tous appareils", "messages": "Messages envoyés", "journey": "Parcours", "entryChannel": "Canal d’entrée",
        "firstPurchaseChannel": "Canal de conversion", "touchpoints": "Points de contact avant le premier achat", "channel": "Canal", "status": "Statut",
        "total": "Total", "placedAt": "Passée le", "none": "Rien pour l’instant.", "masked": "Les données personnelles sont masquées : votre rôle ne les inclut pas.",
        "back": "Retour à la recherche", "notFound": "Aucun client %@.", "live": "En direct : cette page se met à jour d’elle-même.",
        "purchasesByChannel": "Achats par canal", "medium": "Média", "lines": "Articles", "via": "via", "updated": "Mis à jour à", "quotes": "Devis", "validUntil": "valable jusqu’au", "movements": "Derniers mouvements", "stockTitle": "Stock autour de moi", "productLabel": "Nom du produit, référence ou code-barres",
        "noProduct": "Aucun produit ne correspond à « %@ ».", "noStore": "Vous ne travaillez pour aucun magasin : précisez ?store=<id>.", "here": "Ce magasin",
        "availableUnits": "disponibles", "onHand": "En stock", "reserved": "Réservé", "safetyStock": "Stock de sécurité", "online": "En ligne, par canal",
        "nearby": "Magasins proches", "distance": "Distance", "liveStock": "En direct : ventes, retours et réservations de tous les canaux font bouger ces chiffres.",
        "customersNav": "Clients", "stockNav": "Stock", "deskNav": "Click & collect", "deskTitle": "Comptoir click & collect",
        "toPrepare": "À préparer", "readyList": "Prêtes, en attente du client", "overdue": "En retard", "cancelledList": "Annulées (non retirées), dernières 24 h",
        "markReady": "Marquer prête", "handOver": "Remettre", "pickupCode": "Code de retrait", "collectBy": "à retirer avant",
        "outcome-ready": "prête ; le client est prévenu", "outcome-handed-over": "remise", "outcome-wrong-pickup-code": "code de retrait erroné",
        "outcome-not-your-store": "pas une commande du comptoir de votre magasin", "outcome-pending": "envoyé ; pas encore de réponse", "outcome-refused": "refusé",
    ]
}
