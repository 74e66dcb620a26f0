public struct PostalAddress: Codable, Sendable, Equatable {
    public var label: String?
    public var street: String
    public var city: String
    public var postalCode: String
    public var country: String
    public init(label: String? = nil, street: String, city: String, postalCode: String, country: String) {
        self.label = label
        self.street = street
        self.city = city
        self.postalCode = postalCode
        self.country = country
    }
}

/// The profile fields a channel may set; nil leaves a field as it is.
public struct ProfileFields: Codable, Sendable, Equatable {
    public var firstName: String?
    public var lastName: String?
    public var locale: String?
    public var timeZone: String?
    public var addresses: [PostalAddress]?
    public init(firstName: String? = nil, lastName: String? = nil, locale: String? = nil, timeZone: String? = nil, addresses: [PostalAddress]? = nil) {
        self.firstName = firstName
        self.lastName = lastName
        self.locale = locale
        self.timeZone = timeZone
        self.addresses = addresses
    }
}

/// Registers a person from any channel, idempotent by identifier: identifiers already
/// known resolve to their customer (whose profile is updated), new ones are linked, and
/// identifiers of two profiles that prove to be one person merge them.
public struct RegisterCustomer: Codable, Sendable, Equatable {
    public var identifiers: [CustomerIdentifier]
    public var profile: ProfileFields?
    public init(identifiers: [CustomerIdentifier], profile: ProfileFields? = nil) {
        self.identifiers = identifiers
        self.profile = profile
    }
}

public struct UpdateProfile: Codable, Sendable, Equatable {
    public var customer: CustomerReference
    public var profile: ProfileFields
    public init(customer: CustomerReference, profile: ProfileFields) {
        self.customer = customer
        self.profile = profile
    }
}

/// Adds an identifier to a customer (a loyalty card to an email, an app login to an
/// anonymous session); if it belongs to another profile, the two are merged.
public struct LinkIdentifier: Codable, Sendable, Equatable {
    public var customer: CustomerReference
    public var identifier: CustomerIdentifier
    public init(customer: CustomerReference, identifier: CustomerIdentifier) {
        self.customer = customer
        self.identifier = identifier
    }
}

public struct EraseCustomer: Codable, Sendable, Equatable {
    public var customer: CustomerReference
    public var reason: String?
    public init(customer: CustomerReference, reason: String? = nil) {
        self.customer = customer
        self.reason = reason
    }
}

/// The profile as it now stands (what other services keep in their read models).
public struct CustomerProfile: Codable, Sendable, Equatable {
    public var customerId: String
    public var firstName: String?
    public var lastName: String?
    public var locale: String?
    public var timeZone: String?
    public var addresses: [PostalAddress]
    public var identifiers: [CustomerIdentifier]
    public init(customerId: String, firstName: String?, lastName: String?, locale: String?, timeZone: String?, addresses: [PostalAddress], identifiers: [CustomerIdentifier]) {
        self.customerId = customerId
        self.firstName = firstName
        self.lastName = lastName
        self.locale = locale
        self.timeZone = timeZone
        self.addresses = addresses
        self.identifiers = identifiers
    }
}

public struct CustomerRegistered: Codable, Sendable, Equatable {
    public var profile: CustomerProfile
    public var channel: String?
    public init(profile: CustomerProfile, channel: String?) {
        self.profile = profile
        self.channel = channel
    }
}

public struct ProfileUpdated: Codable, Sendable, Equatable {
    public var profile: CustomerProfile
    public init(profile: CustomerProfile) { self.profile = profile }
}

public struct IdentifierLinked: Codable, Sendable, Equatable {
    public var customerId: String
    public var identifier: CustomerIdentifier
    public init(customerId: String, identifier: CustomerIdentifier) {
        self.customerId = customerId
        self.identifier = identifier
    }
}

/// Two or more profiles were one person: every service re-keys `mergedIds` to `survivorId`.
public struct CustomersMerged: Codable, Sendable, Equatable {
    public var survivorId: String
    public var mergedIds: [String]
    public init(survivorId: String, mergedIds: [String]) {
        self.survivorId = survivorId
        self.mergedIds = mergedIds
    }
}

/// Personal data of `customerId` is gone; every service removes or anonymises its own.
public struct CustomerErased: Codable, Sendable, Equatable {
    public var customerId: String
    /// Profiles merged into it earlier, which other services may still hold.
    public var formerIds: [String]
    public init(customerId: String, formerIds: [String]) {
        self.customerId = customerId
        self.formerIds = formerIds
    }
}
