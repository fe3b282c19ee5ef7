#pragma once
// emCA's keys of bulk revocation: userName, profileId (certificates issued through emCA items).
#include "storage/bulk_filters.hpp"

namespace localca::storage::emca {

void add_bulk_filters(bulk_filters& filters);

} // namespace localca::storage::emca
