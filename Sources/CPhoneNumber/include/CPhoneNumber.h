// A C view of the few libphonenumber calls leadgate needs, so Swift can call them without
// C++ interop. Debian ships only the C++ API (libphonenumber 8.12, ICU regexps); delete this
// target if Swift's C++ interop ever becomes the house default.
#ifndef LEADGATE_CPHONENUMBER_H
#define LEADGATE_CPHONENUMBER_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

// Negative results of lg_phone_to_e164. The first five mirror PhoneNumberUtil::ErrorType.
/// A NULL pointer, or a length above LG_PHONE_MAX_INPUT_LENGTH.
#define LG_PHONE_ERR_INVALID_ARGUMENT (-1)
/// No known country calling code: an unknown default region with a national number, or an
/// unknown code after "+" or an international prefix.
#define LG_PHONE_ERR_INVALID_COUNTRY_CODE (-2)
/// The text does not look like a phone number at all.
#define LG_PHONE_ERR_NOT_A_NUMBER (-3)
/// Too few digits after an international prefix such as "00".
#define LG_PHONE_ERR_TOO_SHORT_AFTER_IDD (-4)
/// Too few digits for a national significant number.
#define LG_PHONE_ERR_TOO_SHORT (-5)
/// Too many digits for a national significant number.
#define LG_PHONE_ERR_TOO_LONG (-6)
/// Parsed, but IsPossibleNumber says no number of that country has this length.
#define LG_PHONE_ERR_NOT_POSSIBLE (-7)
/// The E.164 text and its NUL do not fit in out_capacity bytes.
#define LG_PHONE_ERR_BUFFER_TOO_SMALL (-8)
/// A C++ exception (in practice std::bad_alloc) was caught inside the shim.
#define LG_PHONE_ERR_INTERNAL (-9)

/// Enough bytes for any E.164 text libphonenumber formats ("+", up to 3 + 17 digits) and a NUL.
#define LG_PHONE_E164_CAPACITY 32

/// Longer inputs are refused before parsing; libphonenumber refuses above 250 bytes anyway.
#define LG_PHONE_MAX_INPUT_LENGTH 250

/// Parses `text` (UTF-8, `length` bytes, need not be NUL-terminated) as a phone number dialled
/// in `default_region` (an upper-case ISO 3166 code, "ZZ" when unknown) and writes its E.164
/// form and a NUL to `out`.
///
/// Accepts what PhoneNumberUtil::Parse accepts: punctuation, "+" or the region's international
/// prefix ("00", "011"), vanity letters ("1-800-FLOWERS"), RFC 3966 "tel:" URIs with ";ext=" and
/// ";phone-context=". Extensions are dropped, since E.164 has none. A number is accepted when
/// IsPossibleNumber holds (its length fits the country), not only when IsValidNumber does:
/// booth cards often carry fictitious 555 numbers that are possible but not valid.
///
/// Returns the number of bytes written before the NUL, or one of the LG_PHONE_ERR_ codes.
/// Thread-safe. Never lets a C++ exception escape.
int lg_phone_to_e164(const char *text, size_t length, const char *default_region,
                     char *out, size_t out_capacity);

/// lg_phone_to_e164 without its fast path: always PhoneNumberUtil::Parse. For tests that
/// check the fast path gives the same answers.
int lg_phone_to_e164_reference(const char *text, size_t length, const char *default_region,
                               char *out, size_t out_capacity);

/// The country calling code of `region` (upper-case ISO 3166, e.g. "GB" -> 44), or 0 when
/// libphonenumber has no metadata for it. Thread-safe.
int lg_phone_country_code_for_region(const char *region);

#ifdef __cplusplus
}
#endif

#endif
