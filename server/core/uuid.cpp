#include "server/core/uuid.hpp"

#include <boost/uuid/uuid_generators.hpp>
#include <boost/uuid/uuid_io.hpp>

namespace localca::server {

std::string make_request_id() {
    // Boost's random_generator draws from the OS entropy source (getrandom) and sets the v4 and
    // variant bits; one per thread because it is not thread-safe.
    thread_local boost::uuids::random_generator generator;
    return boost::uuids::to_string(generator());
}

} // namespace localca::server
