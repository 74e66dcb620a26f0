import OmniPersistence
import Testing

@Suite("Splitting migration files into statements")
struct SQLScriptTests {
    @Test("semicolons inside strings, identifiers, comments and dollar quotes do not split")
    func quoting() {
        let script = """
            -- a comment; with a semicolon
            CREATE TABLE "odd;name" (v text DEFAULT 'a;b');
            /* block; comment */
            CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN PERFORM 1; RETURN NULL; END $$;
            CREATE FUNCTION g() RETURNS int LANGUAGE sql AS $body$ SELECT 1; $body$;
            SELECT $1;
            """
        let statements = SQLScript.statements(script)
        #expect(statements.count == 4)
        #expect(statements[0] == "CREATE TABLE \"odd;name\" (v text DEFAULT 'a;b')")
        #expect(statements[1].hasSuffix("RETURN NULL; END $$"))
        #expect(statements[2].hasSuffix("$body$ SELECT 1; $body$"))
        #expect(statements[3] == "SELECT $1")
    }

    @Test("comment-only and empty statements are dropped")
    func empties() {
        #expect(SQLScript.statements("-- nothing\n;;  ; /* x */").isEmpty)
    }
}
