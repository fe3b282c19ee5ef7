#pragma once
// CRL encoding. We encode the TBSCertList ourselves (as Botan's private X509_CA::make_crl does)
// because the CRL number must come from the database, not from a previous CRL object.
#include "ca/authority.hpp"

#include <chrono>
#include <cstdint>
#include <vector>

namespace localca::ca {

struct crl_entry {
    std::int64_t serial;
    std::chrono::system_clock::time_point revoked_at;
    int reason; // RFC 5280 CRLReason code; 0 (unspecified) is encoded without the extension
};

// v2 CRL signed by the authority: issuer = root subject, thisUpdate = now, nextUpdate = now +
// next_update, extensions AKI and cRLNumber = crl_number. Returns DER.
std::vector<std::uint8_t> build_crl(const authority& ca, const std::vector<crl_entry>& entries,
                                    std::int64_t crl_number,
                                    std::chrono::system_clock::time_point this_update,
                                    std::chrono::seconds next_update);

} // namespace localca::ca
