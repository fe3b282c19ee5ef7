#pragma once
// EnOS device management (connect-service v2.1 devices API): create, read, search, update,
// enable/disable and delete the devices of an org. A device gets a random assetId and a random
// deviceSecret (stored sealed, context device_secret_context); a disabled device gets no
// certificate (ca/device_service.cpp); deleting a device revokes its live certificates
// (cessationOfOperation) in the transaction that deletes it. Every change is audited in its own
// transaction. Blocking (SQL, sealing): worker threads only.
#include "ca/audit.hpp"
#include "ca/engine.hpp"
#include "ca/errc.hpp"
#include "ca/enos/registry.hpp"
#include "storage/enos/device_repository.hpp"

#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace localca::ca::enos {

// EnOS's StringI18n.
struct device_name {
    std::string default_value;
    std::map<std::string, std::string> i18n; // locale -> name
};

struct device_create_request {
    std::string org_id;
    std::string product_key;
    std::optional<std::string> device_key; // none: a fresh random one
    device_name name;
    std::string timezone;
    std::optional<std::string> description;
    boost::json::object attributes;
    std::map<std::string, std::string> tags;
    audit_context audit;
};

struct device_created {
    std::string product_key;
    std::string device_key;
    std::string asset_id;
    std::string device_secret;
};

// A patch: what is set replaces, attributes and tags are merged key by key.
struct device_update_request {
    device_ref device;
    std::optional<device_name> name;
    std::optional<std::string> timezone;
    std::optional<std::string> description;
    std::optional<boost::json::object> attributes;
    std::optional<std::map<std::string, std::string>> tags;
    audit_context audit;
};

// What get and search show of a device.
struct device_view {
    std::string org_id;
    std::string asset_id;
    std::string product_key;
    std::string device_key;
    device_name name;
    std::string device_secret;
    std::optional<std::string> description;
    std::string timezone;
    boost::json::object attributes;
    std::map<std::string, std::string> tags;
    std::int64_t created_ms = 0;
    bool disabled = false;
};

struct device_page {
    std::vector<device_view> devices;
    std::int64_t total = 0; // matching devices on all pages
};

// The sealing context of a device secret: bound to the row, so a value copied elsewhere does
// not open.
std::string device_secret_context(std::int64_t device);
// n characters of [A-Za-z0-9] from the CSPRNG (assetIds, deviceKeys, deviceSecrets).
std::string random_alnum(std::size_t n);
// A fresh details row for a device that has none (seeded, or created before schema 8): named by
// its deviceKey, timezone +00:00, a new random secret unless one is given.
storage::enos::device_details_row default_details(const secret_box& secrets, std::int64_t device,
                                                  const std::string& device_key,
                                                  std::int64_t created_ms,
                                                  std::optional<std::string> secret = {});

// A storage failure or a bug throws out of these calls, to the personality's one catch point
// (server/core/internal_error.hpp); only remove() reports the writer's failed COMMIT as
// errc::internal, which reaches it as a completion's value.
class device_management {
public:
    device_management(engine& e, registry& r) : m_engine(e), m_registry(r) {}

    // device_exists (deviceKey taken in the product), product_not_found.
    result<device_created> create(device_create_request req);
    // device_not_found.
    result<device_view> get(const device_ref& ref);
    // `page_no` from 1. An unknown org has no devices.
    result<device_page> search(const std::string& org_id,
                               const storage::enos::device_filter& filter, std::int64_t page_no,
                               std::int64_t page_size);
    // device_not_found.
    status update(device_update_request req);
    // device_not_found; device_disabled when disabling a disabled device, device_enabled when
    // enabling an enabled one.
    status set_enabled(const device_ref& ref, bool enabled, const audit_context& audit);
    // device_not_found, internal. Returns the serials revoked with the device.
    result<std::vector<std::int64_t>> remove(const device_ref& ref, const audit_context& audit);

private:
    // The details of the device, created first when it has none.
    storage::enos::device_details_row details_of(std::int64_t device,
                                                 const std::string& device_key);
    device_view view_of(const std::string& org_id, const std::string& product_key,
                        const storage::enos::device_row& dev,
                        const storage::enos::device_details_row& details) const;

    engine& m_engine;
    registry& m_registry;
};

} // namespace localca::ca::enos
