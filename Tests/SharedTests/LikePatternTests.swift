import OmniPersistence
import Testing

@Suite("A LIKE pattern for text as typed")
struct LikePatternTests {
    @Test("%, _ and the escape character match only themselves; the text may stand anywhere")
    func containing() {
        #expect(PreparedSQL.containing("Chloé") == "%Chloé%")
        #expect(PreparedSQL.containing("50%_off\\") == #"%50\%\_off\\%"#)
        #expect(PreparedSQL.containing("") == "%%")
    }
}
