// The engine's CRLs: served and rebuilt by its crl_publisher (ca/crl_publisher.hpp).
#include "ca/engine.hpp"

#include "ca/crl_publisher.hpp"

namespace localca::ca {

std::vector<std::uint8_t> engine::crl_der(authority_kind kind) {
    return m_crls->current(kind);
}

void engine::notify_revoked() {
    m_crls->revoked();
}

} // namespace localca::ca
