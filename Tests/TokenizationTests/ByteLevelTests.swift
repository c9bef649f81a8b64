import Testing
@testable import Tokenization

@Suite struct ByteLevelTests {
    @Test func mappingMatchesGPT2() {
        #expect(ByteLevel.scalarForByte[Int(UInt8(ascii: "a"))] == "a")
        #expect(ByteLevel.scalarForByte[0x20] == "\u{0120}")   // space is 'Ġ'
        #expect(ByteLevel.scalarForByte[0x0A] == "\u{010A}")   // newline is 'Ċ'
        #expect(ByteLevel.scalarForByte[0xAD] == "\u{0143}")   // the last unprintable byte
        #expect(Set(ByteLevel.scalarForByte).count == 256)
    }

    @Test func roundTripsEveryByte() {
        let bytes = (0..<256).map { UInt8($0) }
        #expect(ByteLevel.decode(ByteLevel.encode(bytes)) == bytes)
        #expect(ByteLevel.decode("a\u{4E00}") == nil)
    }

    @Test func alphabetOrderIsPrintableFirst() {
        let order = ByteLevel.bytesInScalarOrder
        #expect(order.prefix(3) == [0x21, 0x22, 0x23])
        #expect(order[94] == 0xA1)
        #expect(order[188] == 0x00)
        #expect(order.last == 0xAD)
    }
}
