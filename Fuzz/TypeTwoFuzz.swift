// libFuzzer harness: Type 2 memory images, read whole and read 16 bytes at a time as a reader
// would; both ways must agree. Built by Fuzz/run.sh in one module with Sources/NDEF.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let image = Array(UnsafeBufferPointer(start: data, count: size))
    let whole = Result { () throws(NDEFError) in try TypeTwoMemory(image: image) }

    var prefix: [UInt8] = []
    let incremental: Result<TypeTwoMemory, NDEFError>
    while true {
        do throws(NDEFError) {
            switch try TypeTwoMemory.walk(prefix) {
            case .complete(let memory):
                incremental = .success(memory)
            case .needsBytes(let end):
                precondition(end > prefix.count, "the walker asks for bytes it already has")
                guard end <= image.count else {
                    guard case .failure(let error) = whole, error.code == .truncatedMemory else {
                        preconditionFailure("the walker needs more bytes than a readable whole image")
                    }
                    return 0
                }
                while prefix.count < end {
                    prefix += image[prefix.count ..< min(prefix.count + 16, image.count)]
                }
                continue
            }
        } catch {
            incremental = .failure(error)
        }
        break
    }
    precondition(incremental == whole, "reading a Type 2 image whole and by parts disagree")
    if case .success(let memory) = whole {
        _ = try? memory.message()
    }
    return 0
}
