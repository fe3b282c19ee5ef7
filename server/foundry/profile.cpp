#include "server/foundry/profile.hpp"

#include <botan/key_constraint.h>

namespace localca::server::foundry {

ca::certificate_profile device_certificate_profile() {
    ca::certificate_profile p;
    p.name = "foundry";
    p.basic_constraints_critical = true;
    p.key_usage = Botan::Key_Constraints::DIGITAL_SIGNATURE;
    p.until_root_expiry = true;
    return p;
}

} // namespace localca::server::foundry
