#pragma once
// Issuance requests of API users (tables issuance_requests and issuance_items): the stored
// response of each accepted call, replayed for a repeated (user, application id), and one item
// per CSR, which is either issued at once or waits for an officer (manual authorization).
#include "storage/connection.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace localca::storage::emca {

enum class item_status : int { pending = 0, issued = 1, rejected = 2 };

struct issuance_item_row {
    std::int64_t id = 0; // the requestId of manual authorization
    std::int64_t request = 0;
    std::int64_t user = 0;
    std::string item_id; // the caller's ID
    std::string profile_id;
    std::vector<std::uint8_t> csr;          // as received: PEM or DER
    std::optional<std::int64_t> not_before; // unix seconds; none = when issued
    std::int64_t validity = 0;              // seconds
    item_status status = item_status::pending;
    std::optional<std::int64_t> cert_sn;
    std::optional<std::int64_t> decided_at;
};

// The stored response of (user, application_id), if that call was accepted before.
std::optional<std::string> find_request_response(connection& db, std::int64_t user,
                                                 const std::string& application_id);

// Inserts the request row; returns its id. Throws storage::database_error if (user, application_id)
// exists (check with find_request_response in the same transaction first).
std::int64_t insert_request(connection& db, std::int64_t user, const std::string& application_id,
                            std::int64_t created_at, const std::string& response);
// The response is known only once the items have ids (their requestIds are in it).
void set_request_response(connection& db, std::int64_t request, const std::string& response);

// Inserts an item (row.id ignored); returns its id.
std::int64_t insert_item(connection& db, const issuance_item_row& row);

std::optional<issuance_item_row> find_item(connection& db, std::int64_t id);
// The item a certificate was issued for (its owner is item.user).
std::optional<issuance_item_row> find_item_by_certificate(connection& db, std::int64_t sn);
// Pending items, ascending id.
std::vector<issuance_item_row> pending_items(connection& db);

// pending -> issued with the certificate, or pending -> rejected. False (nothing written) when
// the item is not pending any more.
bool mark_item_issued(connection& db, std::int64_t id, std::int64_t sn, std::int64_t at);
bool mark_item_rejected(connection& db, std::int64_t id, std::int64_t at);

} // namespace localca::storage::emca
