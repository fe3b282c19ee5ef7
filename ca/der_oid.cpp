#include "ca/der_oid.hpp"

#include <botan/ber_dec.h>

namespace localca::ca {

Botan::OID decode_oid(const der_element& e) {
    // Botan 2.19 ignores the continuation bit of the last byte, so two encodings would give the
    // same OID; DER allows one: last byte without it, no component starting with 0x80.
    const der_bytes v = e.value;
    if (v.empty() || (v.back() & 0x80) != 0) {
        throw der_error("invalid object identifier");
    }
    for (std::size_t i = 0; i < v.size(); ++i) {
        const bool starts_component = i == 0 || (v[i - 1] & 0x80) == 0;
        if (starts_component && v[i] == 0x80) {
            throw der_error("invalid object identifier");
        }
    }
    Botan::OID oid;
    Botan::BER_Decoder dec(e.whole.data(), e.whole.size());
    oid.decode_from(dec);
    return oid;
}

algorithm_identifier decode_algorithm(const der_element& seq, const char* what) {
    der_reader r(seq.value);
    algorithm_identifier a;
    a.oid = decode_oid(r.expect(0x06, what));
    if (!r.at_end()) {
        a.params = r.next(what);
    }
    r.expect_end(what);
    return a;
}

} // namespace localca::ca
