#pragma once
// The state of managed certificates (tables managed_certificates, managed_certificate_topics):
// active or not, the associated device and the topic policy, next to the certificates row.
#include "storage/connection.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace localca::storage::foundry {

struct managed_certificate_row {
    std::int64_t sn = 0;
    std::int64_t account = 0;
    std::string cert_id; // lowercase hex SHA-256 of the DER
    bool active = false;
    std::optional<std::int64_t> device;   // account_devices.id
    std::optional<std::string> device_id; // account_devices.device_id
    bool revoked = false;                 // certificates.status
    std::int64_t not_before = 0;          // unix seconds
    std::int64_t not_after = 0;
    std::optional<std::string> subject_cn;
    std::vector<std::uint8_t> der;
    std::vector<std::string> topics; // in policy order
};

// Inserts the state row and the policy (the certificates row must exist).
void insert_managed_certificate(connection& db, std::int64_t sn, std::int64_t account,
                                const std::string& cert_id, bool active,
                                const std::vector<std::string>& topics);

// The certificate with that id in that account (another account's is not found).
std::optional<managed_certificate_row>
find_managed_certificate(connection& db, std::int64_t account, const std::string& cert_id);

// Whether any certificate, revoked or not, was ever associated with that account_devices.id and
// still is (lab fixtures: a second seed issues nothing).
bool device_has_certificate(connection& db, std::int64_t device);

// Sets active and the device (nullopt: none), and replaces the policy.
void update_managed_certificate(connection& db, std::int64_t sn, bool active,
                                std::optional<std::int64_t> device,
                                const std::vector<std::string>& topics);

// One topic filter granted to one subject CN.
struct topic_grant {
    std::string subject_cn;
    std::string filter;
};
// Every filter of every active, unrevoked certificate valid at `now` (unix seconds), ordered by
// CN then filter. Certificates without a CN grant nothing.
std::vector<topic_grant> active_topic_grants(connection& db, std::int64_t now);

} // namespace localca::storage::foundry
