#include "CPhoneNumber.h"

#include <cstring>
#include <string>

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

namespace {

int codeForParseError(PhoneNumberUtil::ErrorType error) {
    switch (error) {
    case PhoneNumberUtil::INVALID_COUNTRY_CODE_ERROR: return LG_PHONE_ERR_INVALID_COUNTRY_CODE;
    case PhoneNumberUtil::NOT_A_NUMBER: return LG_PHONE_ERR_NOT_A_NUMBER;
    case PhoneNumberUtil::TOO_SHORT_AFTER_IDD: return LG_PHONE_ERR_TOO_SHORT_AFTER_IDD;
    case PhoneNumberUtil::TOO_SHORT_NSN: return LG_PHONE_ERR_TOO_SHORT;
    case PhoneNumberUtil::TOO_LONG_NSN: return LG_PHONE_ERR_TOO_LONG;
    default: return LG_PHONE_ERR_NOT_A_NUMBER;
    }
}

// Parse costs about 10 µs even for junk (ICU regexps), and tag text is attacker-controlled.
// Text with no digit at all is never a number: libphonenumber's own VALID_PHONE_NUMBER
// pattern needs at least two digits, and a vanity number starts with three. Bytes >= 0x80
// could be full-width or Arabic-Indic digits, so such text still goes to libphonenumber.
bool mayHoldDigits(const char *text, size_t length) {
    for (size_t i = 0; i < length; i++) {
        unsigned char byte = static_cast<unsigned char>(text[i]);
        if ((byte >= '0' && byte <= '9') || byte >= 0x80) return true;
    }
    return false;
}

}  // namespace

extern "C" int lg_phone_to_e164(const char *text, size_t length, const char *default_region,
                                char *out, size_t out_capacity) {
    if (text == nullptr || default_region == nullptr || out == nullptr) return LG_PHONE_ERR_INVALID_ARGUMENT;
    if (length > LG_PHONE_MAX_INPUT_LENGTH) return LG_PHONE_ERR_TOO_LONG;
    if (!mayHoldDigits(text, length)) return LG_PHONE_ERR_NOT_A_NUMBER;
    try {
        // GetInstance is a thread-safe singleton and Parse/Format are const: no lock needed.
        const PhoneNumberUtil &util = *PhoneNumberUtil::GetInstance();
        PhoneNumber number;
        PhoneNumberUtil::ErrorType error = util.Parse(std::string(text, length), default_region, &number);
        if (error != PhoneNumberUtil::NO_PARSING_ERROR) return codeForParseError(error);
        if (!util.IsPossibleNumber(number)) return LG_PHONE_ERR_NOT_POSSIBLE;
        std::string e164;
        util.Format(number, PhoneNumberUtil::E164, &e164);
        if (e164.size() + 1 > out_capacity) return LG_PHONE_ERR_BUFFER_TOO_SMALL;
        std::memcpy(out, e164.data(), e164.size());
        out[e164.size()] = '\0';
        return static_cast<int>(e164.size());
    } catch (...) {
        // An exception unwinding into Swift frames is undefined behaviour; report it instead.
        return LG_PHONE_ERR_INTERNAL;
    }
}

extern "C" int lg_phone_country_code_for_region(const char *region) {
    if (region == nullptr) return 0;
    try {
        return PhoneNumberUtil::GetInstance()->GetCountryCodeForRegion(region);
    } catch (...) {
        return 0;
    }
}
