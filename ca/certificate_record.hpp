#pragma once
// A certificate as stored, as the engine and the API modules hand it to the personalities: the
// server layer names this ca/ type and never includes storage/ (layers: server -> ca -> storage).
// Today the stored row itself; a view of its own can replace it here without touching a caller.
#include "storage/certificate_repository.hpp"

namespace localca::ca {

using certificate_record = storage::certificate_row;
using certificate_status = storage::certificate_status; // valid | revoked

} // namespace localca::ca
