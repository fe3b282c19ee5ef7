#include "server/enos/device_routes.hpp"

#include "ca/enos/device_query.hpp"
#include "server/core/log.hpp"
#include "server/enos/codec.hpp"
#include "server/enos/errors.hpp"

#include <boost/json.hpp>

#include <initializer_list>
#include <regex>
#include <set>

namespace localca::server::enos {

namespace json = boost::json;

namespace {

// Search Device's page size: default 10, at most 200 (EnOS's documented limit).
constexpr std::int64_t k_default_page_size = 10;
constexpr std::int64_t k_max_page_size = 200;

using failure = std::optional<enos_error>;

void reply(const request_context& ctx, const responder& done, const std::string& body) {
    done(json_response(ctx.req, http::status::ok, body));
}

// Every key of `body` must be one of `allowed`.
failure only_known(const json::object& body, std::initializer_list<const char*> allowed) {
    for (const auto& [k, v] : body) {
        bool known = false;
        for (const char* a : allowed) {
            known = known || k == a;
        }
        if (!known) {
            return invalid_argument(std::string(k), "unknown");
        }
    }
    return std::nullopt;
}

// A present, non-null field; none when absent or null.
const json::value* field(const json::object& body, const char* name) {
    const auto* v = body.if_contains(name);
    return v && !v->is_null() ? v : nullptr;
}

// "+08:00" style offsets (-12:00 to +14:00), or a tz database name ("Asia/Singapore", "UTC").
bool valid_timezone(const std::string& tz) {
    static const std::regex offset(R"([+-](0\d|1[0-4]):[0-5]\d)");
    static const std::regex name(R"(UTC|GMT|[A-Za-z]+(/[A-Za-z0-9_+-]+)+)");
    return std::regex_match(tz, offset) || std::regex_match(tz, name);
}

// deviceKey: 1 to 64 of letters, digits and _ - . : @ (serial numbers, MAC addresses, UUIDs).
bool valid_device_key(const std::string& key) {
    static const std::regex pattern(R"([A-Za-z0-9_.:@-]{1,64})");
    return std::regex_match(key, pattern);
}

failure read_string(const json::object& body, const char* name, bool required,
                    std::optional<std::string>* out) {
    const auto* v = field(body, name);
    if (!v) {
        return required ? failure(invalid_argument(name, "missing")) : std::nullopt;
    }
    if (!v->is_string() || (required && v->as_string().empty())) {
        return invalid_argument(name, "invalid");
    }
    *out = std::string(v->as_string());
    return std::nullopt;
}

failure read_name(const json::object& body, bool required,
                  std::optional<ca::enos::device_name>* out) {
    const auto* v = field(body, "deviceName");
    if (!v) {
        return required ? failure(invalid_argument("deviceName", "missing")) : std::nullopt;
    }
    const auto bad = invalid_argument("deviceName", "invalid");
    if (!v->is_object()) {
        return bad;
    }
    const auto& o = v->as_object();
    if (only_known(o, {"defaultValue", "i18nValue"})) {
        return bad;
    }
    const auto* def = o.if_contains("defaultValue");
    if (!def || !def->is_string() || def->as_string().empty()) {
        return bad;
    }
    ca::enos::device_name name;
    name.default_value = std::string(def->as_string());
    if (const auto* i18n = field(o, "i18nValue")) {
        if (!i18n->is_object()) {
            return bad;
        }
        for (const auto& [locale, text] : i18n->as_object()) {
            if (!text.is_string()) {
                return bad;
            }
            name.i18n[std::string(locale)] = std::string(text.as_string());
        }
    }
    *out = std::move(name);
    return std::nullopt;
}

failure read_attributes(const json::object& body, std::optional<json::object>* out) {
    if (const auto* v = field(body, "deviceAttributes")) {
        if (!v->is_object()) {
            return invalid_argument("deviceAttributes", "invalid");
        }
        *out = v->as_object();
    }
    return std::nullopt;
}

failure read_tags(const json::object& body,
                  std::optional<std::map<std::string, std::string>>* out) {
    if (const auto* v = field(body, "deviceTags")) {
        if (!v->is_object()) {
            return invalid_argument("deviceTags", "invalid");
        }
        std::map<std::string, std::string> tags;
        for (const auto& [k, t] : v->as_object()) {
            if (!t.is_string()) {
                return invalid_argument("deviceTags", "invalid");
            }
            tags[std::string(k)] = std::string(t.as_string());
        }
        *out = std::move(tags);
    }
    return std::nullopt;
}

failure read_timezone(const json::object& body, bool required, std::optional<std::string>* out) {
    if (auto e = read_string(body, "timezone", required, out)) {
        return e;
    }
    if (*out && !valid_timezone(**out)) {
        return invalid_argument("timezone", "invalid");
    }
    return std::nullopt;
}

json::object name_json(const ca::enos::device_name& n) {
    json::object i18n;
    for (const auto& [k, v] : n.i18n) {
        i18n[k] = v;
    }
    return json::object{{"defaultValue", n.default_value}, {"i18nValue", std::move(i18n)}};
}

// EnOS's Device struct. LocalCA has no thing models and sees no device connect: modelId and
// modelIdPath are null, status is "disable" or "inactive", the connection times 0.
json::object device_json(const ca::enos::device_view& d) {
    json::object tags;
    for (const auto& [k, v] : d.tags) {
        tags[k] = v;
    }
    json::object o;
    o["orgId"] = d.org_id;
    o["assetId"] = d.asset_id;
    o["modelId"] = nullptr;
    o["modelIdPath"] = nullptr;
    o["productKey"] = d.product_key;
    o["productName"] = json::object{{"defaultValue", d.product_key}, {"i18nValue", json::object{}}};
    o["productType"] = "Device";
    o["dataFormat"] = "Json";
    o["deviceKey"] = d.device_key;
    o["deviceName"] = name_json(d.name);
    o["deviceSecret"] = d.device_secret;
    o["deviceDesc"] = d.description ? json::value(*d.description) : json::value(nullptr);
    o["timezone"] = d.timezone;
    o["deviceAttributes"] = d.attributes;
    o["deviceTags"] = std::move(tags);
    o["createTime"] = d.created_ms;
    o["status"] = d.disabled ? "disable" : "inactive";
    o["activeTime"] = 0;
    o["lastOnlineTime"] = 0;
    o["lastOfflineTime"] = 0;
    return o;
}

// A positive integer field of `pagination`; `fallback` when absent.
failure read_page_number(const json::object& p, const char* name, std::int64_t fallback,
                         std::int64_t max, std::int64_t* out) {
    const auto v = read_int(p, name);
    if (!v.present) {
        *out = fallback;
        return std::nullopt;
    }
    if (!v.valid || v.value < 1 || v.value > max) {
        return invalid_argument(std::string("pagination.") + name, "invalid");
    }
    *out = v.value;
    return std::nullopt;
}

} // namespace

void device_routes::handle(std::shared_ptr<request_context> ctx,
                           const std::optional<ca::enos::app_credentials>& app, responder done) {
    const auto fail = [&](const enos_error& e) {
        reply(*ctx, done, envelope_error(ctx->request_id, e));
    };
    const auto answer = [&](const ca::status& s) {
        if (!s) {
            if (s.err().code == ca::errc::internal) {
                log::error("enos devices: " + s.err().detail);
            }
            return fail(from_errc(s.err()));
        }
        reply(*ctx, done, envelope_ok(ctx->request_id, nullptr));
    };
    const auto action = ctx->query_param("action");
    if (!action || action->empty()) {
        return fail(invalid_argument("action", "missing"));
    }
    static const std::set<std::string> k_post = {"create", "update",  "delete",
                                                 "enable", "disable", "search"};
    const bool is_get = ctx->req.method() == http::verb::get;
    if (!(is_get && *action == "get") && !(!is_get && k_post.count(*action))) {
        return fail(invalid_argument("action", "invalid"));
    }
    const auto org = ctx->query_param("orgId");
    if (!org || org->empty()) {
        return fail(invalid_argument("orgId", "missing"));
    }
    if (app && app->org_id != *org) {
        return fail(org_denied(*org));
    }
    if (!app && !m_registry.org_exists(*org)) {
        return fail(org_not_found());
    }
    json::object body;
    const bool takes_body = *action == "create" || *action == "update" || *action == "search";
    if (takes_body && !ctx->req.body().empty()) {
        boost::system::error_code ec;
        auto v = json::parse(ctx->req.body(), ec);
        if (ec || !v.is_object()) {
            return fail(invalid_argument("body", "invalid"));
        }
        body = std::move(v.as_object());
    }
    ca::audit_context audit;
    audit.actor = app ? "appKey:" + app->app_key : "enos";
    audit.source_ip = ctx->remote_address;

    if (*action == "create") {
        if (auto e = only_known(body, {"productKey", "deviceName", "timezone", "deviceKey",
                                       "deviceAttributes", "deviceTags", "deviceDesc"})) {
            return fail(*e);
        }
        ca::enos::device_create_request req;
        req.org_id = *org;
        req.audit = audit;
        std::optional<std::string> product_key, timezone;
        std::optional<ca::enos::device_name> name;
        std::optional<json::object> attributes;
        std::optional<std::map<std::string, std::string>> tags;
        if (auto e = read_string(body, "productKey", true, &product_key)) {
            return fail(*e);
        }
        if (auto e = read_name(body, true, &name)) {
            return fail(*e);
        }
        if (auto e = read_timezone(body, true, &timezone)) {
            return fail(*e);
        }
        if (auto e = read_string(body, "deviceKey", false, &req.device_key)) {
            return fail(*e);
        }
        if (req.device_key && !valid_device_key(*req.device_key)) {
            return fail(invalid_argument("deviceKey", "invalid"));
        }
        if (auto e = read_string(body, "deviceDesc", false, &req.description)) {
            return fail(*e);
        }
        if (auto e = read_attributes(body, &attributes)) {
            return fail(*e);
        }
        if (auto e = read_tags(body, &tags)) {
            return fail(*e);
        }
        req.product_key = *product_key;
        req.name = std::move(*name);
        req.timezone = *timezone;
        req.attributes = attributes.value_or(json::object{});
        req.tags = tags.value_or(std::map<std::string, std::string>{});
        const auto r = m_devices.create(std::move(req));
        if (!r) {
            return answer(r.err());
        }
        json::object data{{"productKey", r->product_key},
                          {"deviceKey", r->device_key},
                          {"assetId", r->asset_id},
                          {"deviceSecret", r->device_secret}};
        return reply(*ctx, done, envelope_ok(ctx->request_id, std::move(data)));
    }

    if (*action == "search") {
        if (auto e = only_known(body, {"expression", "pagination", "projection"})) {
            return fail(*e);
        }
        std::optional<std::string> expression;
        if (auto e = read_string(body, "expression", false, &expression)) {
            return fail(*e);
        }
        const auto parsed = ca::enos::parse_device_expression(expression.value_or(""));
        if (!parsed.filter) {
            return fail(
                {99400, "Invalid Argument expression:expression is invalid, " + parsed.problem});
        }
        std::int64_t page_no = 1, page_size = k_default_page_size;
        if (const auto* p = field(body, "pagination")) {
            if (!p->is_object() || only_known(p->as_object(), {"pageNo", "pageSize", "sorters"})) {
                return fail(invalid_argument("pagination", "invalid"));
            }
            const auto& po = p->as_object();
            if (auto e = read_page_number(po, "pageNo", 1, 1'000'000'000, &page_no)) {
                return fail(*e);
            }
            if (auto e = read_page_number(po, "pageSize", k_default_page_size, k_max_page_size,
                                          &page_size)) {
                return fail(*e);
            }
        }
        if (const auto* pr = field(body, "projection"); pr && !pr->is_array()) {
            return fail(invalid_argument("projection", "invalid"));
        }
        const auto page = m_devices.search(*org, *parsed.filter, page_no, page_size);
        if (!page) {
            return answer(page.err());
        }
        json::array data;
        for (const auto& d : page->devices) {
            data.push_back(device_json(d));
        }
        json::object o;
        o["code"] = 0;
        o["msg"] = "OK";
        o["requestId"] = ctx->request_id;
        o["data"] = std::move(data);
        o["pagination"] = json::object{{"sortedBy", nullptr},
                                       {"pageNo", page_no},
                                       {"pageSize", page_size},
                                       {"totalSize", page->total}};
        return reply(*ctx, done, json::serialize(o));
    }

    // The other actions name one device, in the query.
    ca::enos::device_ref device;
    device.org_id = *org;
    device.asset_id = ctx->query_param("assetId");
    device.product_key = ctx->query_param("productKey");
    device.device_key = ctx->query_param("deviceKey");
    if (device.asset_id && device.asset_id->empty()) {
        device.asset_id.reset();
    }
    if (!device.complete()) {
        return fail(device_identifier_invalid());
    }
    if (*action == "get") {
        const auto r = m_devices.get(device);
        if (!r) {
            return answer(r.err());
        }
        return reply(*ctx, done, envelope_ok(ctx->request_id, device_json(r.value())));
    }
    if (*action == "update") {
        if (auto e = only_known(
                body, {"deviceName", "timezone", "deviceAttributes", "deviceTags", "deviceDesc"})) {
            return fail(*e);
        }
        ca::enos::device_update_request req;
        req.device = device;
        req.audit = audit;
        if (auto e = read_name(body, false, &req.name)) {
            return fail(*e);
        }
        if (auto e = read_timezone(body, false, &req.timezone)) {
            return fail(*e);
        }
        if (auto e = read_string(body, "deviceDesc", false, &req.description)) {
            return fail(*e);
        }
        if (auto e = read_attributes(body, &req.attributes)) {
            return fail(*e);
        }
        if (auto e = read_tags(body, &req.tags)) {
            return fail(*e);
        }
        return answer(m_devices.update(std::move(req)));
    }
    if (*action == "enable" || *action == "disable") {
        return answer(m_devices.set_enabled(device, *action == "enable", audit));
    }
    const auto r = m_devices.remove(device, audit);
    return answer(r ? ca::success() : ca::status(r.err()));
}

} // namespace localca::server::enos
