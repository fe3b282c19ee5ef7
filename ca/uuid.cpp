#include "ca/uuid.hpp"

#include <boost/uuid/uuid_generators.hpp>
#include <boost/uuid/uuid_io.hpp>

namespace localca::ca {

std::string random_uuid() {
    // Boost's random_generator draws from the OS entropy source (getrandom) and sets the v4 and
    // variant bits: no DRBG work, so it is cheap enough for the network threads that name each
    // request. One per thread because it is not thread-safe.
    thread_local boost::uuids::random_generator generator;
    return boost::uuids::to_string(generator());
}

} // namespace localca::ca
