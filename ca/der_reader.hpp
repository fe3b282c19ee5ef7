#pragma once
// The one hand-written ASN.1 TLV reader of the core, for structures whose exact bytes matter:
// the CSR (every slice kept is the bytes the requester signed; a subject copied into a
// certificate must be DER) and the CMS SignedData of an API (walked before Botan's lenient
// decoder sees it). Botan's BER_Decoder accepts more than either wants.
//
// Two rule sets over one header decoder:
// - der (der_reader): definite, minimal lengths of at most 4 octets, low tag numbers only.
// - ber (ber_tlv_size): what `openssl cms -stream` writes — indefinite lengths on constructed
//   values closed by their end-of-contents, non-minimal lengths, high tag numbers — still with
//   bounded lengths and depth, and every byte accounted for.
// Input that breaks the rules throws der_error (untrusted input is expected to be wrong, but
// the walk is deep in a parser: the parser's entry point turns it into its own errc).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>

namespace localca::ca {

using der_bytes = std::span<const std::uint8_t>;

class der_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

enum class tlv_rules { der, ber };

struct tlv_header {
    std::uint8_t tag = 0;              // the first identifier octet (class, constructed, number)
    std::size_t header_size = 0;       // identifier and length octets
    std::optional<std::size_t> length; // of the value; none: indefinite (ber only)
};

// The header of the TLV at the start of `in`, checked against `rules`; the value's length is not
// checked against the data (the caller decides whether a short value is truncation). `what`
// names the element in the error.
tlv_header read_tlv_header(der_bytes in, tlv_rules rules, const char* what);

struct der_element {
    std::uint8_t tag = 0;
    der_bytes whole; // tag, length and value
    der_bytes value;
};

// Walks the elements of one level of DER, in order. Slices point into the reader's data.
class der_reader {
public:
    explicit der_reader(der_bytes data) : m_data(data) {}

    bool at_end() const { return m_pos == m_data.size(); }
    // The next element; `what` names it in the error.
    der_element next(const char* what);
    // The next element, which must have `tag`.
    der_element expect(std::uint8_t tag, const char* what);
    // Nothing may follow `what`.
    void expect_end(const char* what);

private:
    der_bytes m_data;
    std::size_t m_pos = 0;
};

// Deepest nesting ber_tlv_size() walks.
constexpr int k_max_ber_depth = 32;

// The size of the BER TLV at the start of `in` (constructed values walked to their ends), under
// the ber rules. Throws der_error if it is not one, or nests deeper than k_max_ber_depth.
std::size_t ber_tlv_size(der_bytes in);

} // namespace localca::ca
