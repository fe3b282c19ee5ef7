#include "ca/enos/device_management.hpp"

#include "ca/authority.hpp"
#include "ca/enos/device_errors.hpp"
#include "storage/enos/tenant_repository.hpp"

#include <boost/json.hpp>

#include <future>
#include <memory>

namespace localca::ca::enos {

namespace json = boost::json;
namespace db_enos = storage::enos;

namespace {

// Like EnOS's: 8 characters (samples "9HhK0YxX", "7u4bfyO0").
constexpr std::size_t k_asset_id_length = 8;
// Generated deviceKeys and secrets: EnOS's look like 10 and 20 alphanumerics.
constexpr std::size_t k_device_key_length = 10;
constexpr std::size_t k_secret_length = 20;
// 62^8 ids: a collision is already unlikely; after this many the org is absurdly full.
constexpr int k_id_attempts = 16;

std::string names(const std::string& asset_id, const std::string& product_key,
                  const std::string& device_key) {
    return "assetId=" + asset_id + ", productKey=" + product_key + ", deviceKey=" + device_key;
}

json::object parse_object(const std::string& text) {
    boost::system::error_code ec;
    auto v = json::parse(text, ec);
    if (ec || !v.is_object()) {
        // Written by us only: anything else means the database was edited.
        throw std::runtime_error("enos_devices holds a JSON value that is not an object");
    }
    return std::move(v.as_object());
}

std::map<std::string, std::string> string_map(const json::object& o) {
    std::map<std::string, std::string> m;
    for (const auto& [k, v] : o) {
        if (v.is_string()) {
            m.emplace(std::string(k), std::string(v.as_string()));
        }
    }
    return m;
}

json::object object_of(const std::map<std::string, std::string>& m) {
    json::object o;
    for (const auto& [k, v] : m) {
        o[k] = v;
    }
    return o;
}

// The row a device found by `ref` inside a writer job (registry::find_device reads through the
// reader connection, which may lag behind the writer's transaction).
std::optional<storage::enos::device_row> find_in(storage::connection& db, const device_ref& ref) {
    const auto org = storage::enos::find_org(db, ref.org_id);
    if (!org) {
        return std::nullopt;
    }
    if (ref.asset_id) {
        return storage::enos::find_device_by_asset(db, org->id, *ref.asset_id);
    }
    if (ref.product_key && ref.device_key) {
        return storage::enos::find_device_by_key(db, org->id, *ref.product_key, *ref.device_key);
    }
    return std::nullopt;
}

} // namespace

std::string device_secret_context(std::int64_t device) {
    return "enos-device-secret:" + std::to_string(device);
}

std::string random_alnum(std::size_t n) {
    static constexpr char k_chars[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    std::string out;
    out.reserve(n);
    while (out.size() < n) {
        std::uint8_t b = 0;
        thread_rng().randomize(&b, 1);
        if (b < 248) { // 4 * 62: no modulo bias
            out += k_chars[b % 62];
        }
    }
    return out;
}

db_enos::device_details_row default_details(const secret_box& secrets, std::int64_t device,
                                            const std::string& device_key, std::int64_t created_ms,
                                            std::optional<std::string> secret) {
    db_enos::device_details_row row;
    row.device = device;
    row.name = device_key;
    row.timezone = "+00:00";
    row.created_ms = created_ms;
    row.secret_sealed = seal_text(secrets, secret ? *secret : random_alnum(k_secret_length),
                                  device_secret_context(device));
    return row;
}

result<device_created> device_management::create(device_create_request req) {
    auto refusal = std::make_shared<std::optional<error>>();
    device_created out;
    m_engine.store().writer().run([&](storage::connection& db) {
        const auto org = storage::enos::find_org(db, req.org_id);
        const auto product =
            org ? db_enos::find_product(db, org->id, req.product_key) : std::nullopt;
        if (!product) {
            *refusal = make_error(errc::product_not_found, "product not found",
                                  "no product " + req.product_key + " in this organization");
            return;
        }
        std::string device_key;
        if (req.device_key) {
            if (storage::enos::find_device_by_key(db, org->id, req.product_key, *req.device_key)) {
                *refusal = make_error(errc::device_exists, "deviceKey exists",
                                      "product " + req.product_key + " already has device " +
                                          *req.device_key);
                return;
            }
            device_key = *req.device_key;
        } else {
            for (int i = 0; i < k_id_attempts && device_key.empty(); ++i) {
                auto candidate = random_alnum(k_device_key_length);
                if (!storage::enos::find_device_by_key(db, org->id, req.product_key, candidate)) {
                    device_key = std::move(candidate);
                }
            }
        }
        std::string asset_id;
        for (int i = 0; i < k_id_attempts && asset_id.empty(); ++i) {
            auto candidate = random_alnum(k_asset_id_length);
            if (!storage::enos::find_device_by_asset(db, org->id, candidate)) {
                asset_id = std::move(candidate);
            }
        }
        if (device_key.empty() || asset_id.empty()) {
            throw std::runtime_error("no free random deviceKey or assetId after " +
                                     std::to_string(k_id_attempts) + " attempts");
        }
        const auto id = db_enos::insert_device(db, org->id, product->id, device_key, asset_id);
        const auto secret = random_alnum(k_secret_length);
        db_enos::device_details_row row;
        row.device = id;
        row.name = req.name.default_value;
        row.name_i18n = json::serialize(object_of(req.name.i18n));
        row.timezone = req.timezone;
        row.description = req.description;
        row.attributes = json::serialize(req.attributes);
        row.tags = json::serialize(object_of(req.tags));
        row.secret_sealed = seal_text(m_engine.secrets(), secret, device_secret_context(id));
        row.created_ms = m_engine.clock().now_ms();
        db_enos::insert_device_details(db, row);
        append_audit(db,
                     make_audit_event(req.audit, "device-create", std::nullopt,
                                      names(asset_id, req.product_key, device_key)),
                     m_engine.clock());
        out = device_created{req.product_key, device_key, asset_id, secret};
    });
    if (*refusal) {
        return **refusal;
    }
    return out;
}

db_enos::device_details_row device_management::details_of(std::int64_t device,
                                                          const std::string& device_key) {
    if (auto d = db_enos::find_device_details(m_engine.store().reader(), device)) {
        return std::move(*d);
    }
    // A device seeded or created before schema 8: give it its details (and a secret) once.
    const auto fresh =
        default_details(m_engine.secrets(), device, device_key, m_engine.clock().now_ms());
    m_engine.store().writer().run(
        [&](storage::connection& db) { db_enos::insert_device_details(db, fresh); });
    auto d = db_enos::find_device_details(m_engine.store().reader(), device);
    if (!d) {
        throw std::runtime_error("device " + std::to_string(device) + " vanished");
    }
    return std::move(*d);
}

device_view device_management::view_of(const std::string& org_id, const std::string& product_key,
                                       const storage::enos::device_row& dev,
                                       const db_enos::device_details_row& details) const {
    device_view v;
    v.org_id = org_id;
    v.asset_id = dev.asset_id;
    v.product_key = product_key;
    v.device_key = dev.device_key;
    v.name.default_value = details.name;
    v.name.i18n = string_map(parse_object(details.name_i18n));
    v.device_secret =
        open_text(m_engine.secrets(), details.secret_sealed, device_secret_context(dev.id));
    v.description = details.description;
    v.timezone = details.timezone;
    v.attributes = parse_object(details.attributes);
    v.tags = string_map(parse_object(details.tags));
    v.created_ms = details.created_ms;
    v.disabled = details.disabled;
    return v;
}

result<device_view> device_management::get(const device_ref& ref) {
    const auto dev = m_registry.find_device(ref);
    if (!dev) {
        return device_not_found();
    }
    const auto row = storage::enos::find_device_by_id(m_engine.store().reader(), dev->id);
    if (!row) {
        return device_not_found();
    }
    return view_of(dev->org_id, dev->product_key, *row, details_of(dev->id, dev->device_key));
}

result<device_page> device_management::search(const std::string& org_id,
                                              const db_enos::device_filter& filter,
                                              std::int64_t page_no, std::int64_t page_size) {
    device_page page;
    auto& db = m_engine.store().reader();
    const auto org = storage::enos::find_org(db, org_id);
    if (!org) {
        return page;
    }
    page.total = db_enos::count_devices(db, org->id, filter);
    const auto rows =
        db_enos::search_devices(db, org->id, filter, (page_no - 1) * page_size, page_size);
    for (const auto& l : rows) {
        const auto details = l.details ? *l.details : details_of(l.device.id, l.device.device_key);
        page.devices.push_back(view_of(org_id, l.product_key, l.device, details));
    }
    return page;
}

status device_management::update(device_update_request req) {
    auto refusal = std::make_shared<std::optional<error>>();
    const auto dev = m_registry.find_device(req.device);
    if (!dev) {
        return device_not_found();
    }
    details_of(dev->id, dev->device_key); // the row to patch exists
    m_engine.store().writer().run([&](storage::connection& db) {
        const auto row = find_in(db, req.device);
        auto details = row ? db_enos::find_device_details(db, row->id) : std::nullopt;
        if (!row || !details) {
            *refusal = device_not_found();
            return;
        }
        if (req.name) {
            details->name = req.name->default_value;
            details->name_i18n = json::serialize(object_of(req.name->i18n));
        }
        if (req.timezone) {
            details->timezone = *req.timezone;
        }
        if (req.description) {
            details->description = req.description;
        }
        if (req.attributes) {
            auto merged = parse_object(details->attributes);
            for (const auto& [k, v] : *req.attributes) {
                merged[k] = v;
            }
            details->attributes = json::serialize(merged);
        }
        if (req.tags) {
            auto merged = string_map(parse_object(details->tags));
            for (const auto& [k, v] : *req.tags) {
                merged[k] = v;
            }
            details->tags = json::serialize(object_of(merged));
        }
        db_enos::update_device_details(db, *details);
        append_audit(db,
                     make_audit_event(req.audit, "device-update", std::nullopt,
                                      names(row->asset_id, dev->product_key, row->device_key)),
                     m_engine.clock());
    });
    if (*refusal) {
        return **refusal;
    }
    return success();
}

status device_management::set_enabled(const device_ref& ref, bool enabled,
                                      const audit_context& audit) {
    auto refusal = std::make_shared<std::optional<error>>();
    const auto dev = m_registry.find_device(ref);
    if (!dev) {
        return device_not_found();
    }
    details_of(dev->id, dev->device_key);
    m_engine.store().writer().run([&](storage::connection& db) {
        const auto row = find_in(db, ref);
        if (!row) {
            *refusal = device_not_found();
            return;
        }
        if (!db_enos::set_device_disabled(db, row->id, !enabled)) {
            *refusal = enabled ? make_error(errc::device_enabled, "device enabled",
                                            "device " + row->asset_id + " is not disabled")
                               : make_error(errc::device_disabled, "device disabled",
                                            "device " + row->asset_id + " is already disabled");
            return;
        }
        append_audit(db,
                     make_audit_event(audit, enabled ? "device-enable" : "device-disable",
                                      std::nullopt,
                                      names(row->asset_id, dev->product_key, row->device_key)),
                     m_engine.clock());
    });
    if (*refusal) {
        return **refusal;
    }
    return success();
}

result<std::vector<std::int64_t>> device_management::remove(const device_ref& ref,
                                                            const audit_context& audit) {
    const std::optional<device_info> dev = m_registry.find_device(ref);
    if (!dev) {
        return device_not_found();
    }
    const auto id = dev->id;
    const auto label = names(dev->asset_id, dev->product_key, dev->device_key);
    // Still there (and the same device) in the deleting transaction.
    auto check = [id, ref](storage::connection& db) -> status {
        const auto row = find_in(db, ref);
        if (!row || row->id != id) {
            return device_not_found();
        }
        return success();
    };
    auto also = [id, label, audit, &clk = m_engine.clock()](storage::connection& db,
                                                            const std::vector<std::int64_t>&) {
        db_enos::delete_device(db, id);
        append_audit(db, make_audit_event(audit, "device-delete", std::nullopt, label), clk);
    };
    auto promise = std::make_shared<std::promise<result<std::vector<std::int64_t>>>>();
    auto future = promise->get_future();
    constexpr int k_cessation_of_operation = 5;
    m_engine.revoke_device_certificates(
        id, k_cessation_of_operation, audit, check, also,
        [promise](result<std::vector<std::int64_t>> r) { promise->set_value(std::move(r)); });
    return future.get();
}

} // namespace localca::ca::enos
