import CPhoneNumber

/// The one place where `Leads` calls the CPhoneNumber shim.
///
/// A value rather than free functions so a test can wrap the real calls (to count them, say)
/// without a global switch; production code only ever uses `.libphonenumber`.
struct PhoneNumberLibrary: Sendable {
    /// The E.164 form of `text` dialled in `region`, or why there is none.
    var e164: @Sendable (_ text: String, _ region: String) -> Result<String, LeadsError>
    /// The country calling code of `region`, or 0 when libphonenumber doesn't know it.
    var countryCode: @Sendable (_ region: String) -> Int

    static let libphonenumber = PhoneNumberLibrary(
        e164: { text, region in
            do throws(LeadsError) {
                return .success(try toE164(text, region: region))
            } catch {
                return .failure(error)
            }
        },
        countryCode: { region in
            Int(lg_phone_country_code_for_region(region))
        }
    )

    private static func toE164(_ text: String, region: String) throws(LeadsError) -> String {
        var text = text
        // withUTF8 hands over the String's own storage when it is native (the usual case);
        // the shim takes a length, so no NUL-terminated copy is made either.
        let result: Result<String, LeadsError> = text.withUTF8 { bytes in
            region.withCString { regionName in
                withUnsafeTemporaryAllocation(of: CChar.self, capacity: Int(LG_PHONE_E164_CAPACITY)) { out in
                    let written = bytes.withMemoryRebound(to: CChar.self) { chars in
                        lg_phone_to_e164(chars.baseAddress, chars.count, regionName, out.baseAddress, out.count)
                    }
                    do throws(LeadsError) {
                        let count = try check(written, function: "lg_phone_to_e164")
                        let bytes = UnsafeRawBufferPointer(start: out.baseAddress, count: count)
                        return .success(String(decoding: bytes, as: UTF8.self))
                    } catch {
                        return .failure(error)
                    }
                }
            }
        }
        return try result.get()
    }

    /// Turns a shim result into a byte count, or into an error that names the call.
    static func check(_ result: Int32, function: String) throws(LeadsError) -> Int {
        guard result < 0 else { return Int(result) }
        let code: LeadsError.Code =
            switch result {
            case LG_PHONE_ERR_INVALID_COUNTRY_CODE: .invalidCountryCode
            case LG_PHONE_ERR_NOT_A_NUMBER: .notAPhoneNumber
            case LG_PHONE_ERR_TOO_SHORT_AFTER_IDD: .tooShortAfterInternationalPrefix
            case LG_PHONE_ERR_TOO_SHORT: .phoneNumberTooShort
            case LG_PHONE_ERR_TOO_LONG: .phoneNumberTooLong
            case LG_PHONE_ERR_NOT_POSSIBLE: .phoneNumberNotPossible
            // Empty text may reach the shim as a NULL pointer; to a caller it is not a number.
            case LG_PHONE_ERR_INVALID_ARGUMENT: .notAPhoneNumber
            default: .internalFailure
            }
        throw LeadsError(code: code, function: function)
    }
}
