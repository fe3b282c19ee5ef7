#include "server/admin/personality.hpp"

#include "ca/admin/certificate_details.hpp"
#include "ca/audit.hpp"
#include "server/admin/auth.hpp"
#include "server/admin/codec.hpp"
#include "server/admin/inventory_rows.hpp"
#include "server/core/internal_error.hpp"
#include "storage/admin/audit_search.hpp"
#include "storage/admin/inventory.hpp"
#include "storage/admin/stats.hpp"

#include <charconv>

namespace localca::server::admin {

namespace json = boost::json;
namespace sa = storage::admin;

namespace {

const std::set<std::string> k_core_filters = {
    "authority",    "status",      "api",          "profile", "cn",    "serial", "expiresBefore",
    "expiresAfter", "issuedAfter", "issuedBefore", "sort",    "limit", "cursor", "format"};

} // namespace

personality::personality(ca::engine& engine, const sa::owner_registry& owners)
    : m_engine(engine), m_owners(owners) {}

response personality::internal_error(const request_context& ctx) const {
    return error_json(ctx.req, http::status::internal_server_error, "internal error");
}

void personality::add_routes(router& r) {
    // Every handler runs on a worker thread (the session posts it there): its SQL never runs on
    // a network thread. A bad parameter thrown anywhere below is a 400 naming it.
    auto wrap = [this](void (personality::*fn)(std::shared_ptr<request_context>, responder)) {
        return [this, fn](std::shared_ptr<request_context> ctx, responder done) {
            try {
                (this->*fn)(ctx, done);
            } catch (const bad_parameter& e) {
                done(error_json(ctx->req, http::status::bad_request, e.what(), e.parameter));
            }
        };
    };
    r.add(http::verb::get, "/admin/v1/certificates", wrap(&personality::list));
    r.add(http::verb::get, "/admin/v1/certificates/{certSN}", wrap(&personality::get_one));
    r.add(http::verb::post, "/admin/v1/certificates/{certSN}/revoke", wrap(&personality::revoke));
    r.add(http::verb::get, "/admin/v1/stats", wrap(&personality::stats));
    r.add(http::verb::get, "/admin/v1/audit", wrap(&personality::audit));
    r.add(http::verb::get, "/admin/v1/whoami", wrap(&personality::whoami));
}

// The web console (server/console/) asks which role its token has, to hide the actions the API
// would refuse anyway; the answer names nothing that the token's holder does not already know.
void personality::whoami(std::shared_ptr<request_context> ctx, responder done) {
    const auto who = authorize(*ctx, role::viewer, m_engine.store(), m_engine.clock(), done);
    if (!who) {
        return;
    }
    json::object o;
    o["name"] = who->name;
    o["role"] = ca::admin::to_string(who->granted);
    done(json_response(ctx->req, http::status::ok, json::serialize(o)));
}

void personality::list(std::shared_ptr<request_context> ctx, responder done) {
    const auto who = authorize(*ctx, role::viewer, m_engine.store(), m_engine.clock(), done);
    if (!who) {
        return;
    }
    for (const auto& [k, v] : ctx->query) {
        if (!k_core_filters.count(k) && !m_owners.has_filter(k)) {
            throw bad_parameter(k, "unknown query parameter '" + k + "'");
        }
    }
    sa::certificate_query q;
    q.now = m_engine.clock().now_unix();
    q.authority = ctx->query_param("authority");
    if (q.authority && *q.authority != "RSA" && *q.authority != "ECC") {
        throw bad_parameter("authority", "authority must be RSA or ECC");
    }
    q.api = ctx->query_param("api");
    if (q.api && *q.api != "enos" && *q.api != "foundry" && *q.api != "emca" && *q.api != "pki" &&
        *q.api != "server") {
        throw bad_parameter("api", "api must be one of enos, foundry, emca, pki, server");
    }
    q.profile = ctx->query_param("profile");
    q.cn_prefix = ctx->query_param("cn");
    q.serial = positive_param(*ctx, "serial");
    if (const auto s = ctx->query_param("status")) {
        if (*s == "valid") {
            q.status = sa::status_filter::valid;
        } else if (*s == "revoked") {
            q.status = sa::status_filter::revoked;
        } else if (*s == "expired") {
            q.status = sa::status_filter::expired;
        } else {
            throw bad_parameter("status", "status must be valid, revoked or expired");
        }
    }
    q.expires_before = time_param(*ctx, "expiresBefore");
    q.expires_after = time_param(*ctx, "expiresAfter");
    q.issued_after = time_param(*ctx, "issuedAfter");
    q.issued_before = time_param(*ctx, "issuedBefore");
    for (const auto& [k, v] : ctx->query) {
        if (!k_core_filters.count(k)) {
            q.owner_filters.emplace_back(k, v);
        }
    }
    const auto sort = ctx->query_param("sort").value_or("issued");
    q.descending = !sort.empty() && sort[0] == '-';
    const auto key = q.descending ? sort.substr(1) : sort;
    if (key == "issued") {
        q.sort = sa::sort_key::issued;
    } else if (key == "notAfter") {
        q.sort = sa::sort_key::not_after;
    } else {
        throw bad_parameter("sort", "sort must be issued, notAfter, -issued or -notAfter");
    }
    q.limit = limit_param(*ctx);
    // A cursor is bound to its sort: "<sort>:<key>:<sn>".
    const std::string tag = sort;
    if (const auto c = ctx->query_param("cursor")) {
        const auto text = decode_cursor(*c);
        std::int64_t k = 0, sn = 0;
        bool ok = false;
        if (text && text->rfind(tag + ":", 0) == 0) {
            const auto rest = text->substr(tag.size() + 1);
            const auto colon = rest.find(':');
            if (colon != std::string::npos) {
                const char* b = rest.data();
                auto r1 = std::from_chars(b, b + colon, k);
                auto r2 = std::from_chars(b + colon + 1, b + rest.size(), sn);
                ok = r1.ec == std::errc() && r1.ptr == b + colon && r2.ec == std::errc() &&
                     r2.ptr == b + rest.size();
            }
        }
        if (!ok) {
            throw bad_parameter("cursor",
                                "cursor is not one this listing returned (with this sort)");
        }
        q.after = std::make_pair(k, sn);
    }
    const auto format = ctx->query_param("format").value_or("json");
    auto& db = m_engine.store().reader();
    if (format == "csv" || format == "ndjson") {
        // Every match, streamed: each piece is one keyset page (one indexed query, run by the
        // session on a worker thread), so memory stays one page whatever the size. Certificates
        // issued during the export appear or not, but none is repeated or skipped.
        const bool csv = format == "csv";
        q.limit = 1000;
        struct state {
            sa::certificate_query q;
            bool header = true;
            bool finished = false;
        };
        auto st = std::make_shared<state>(state{q, csv, false});
        ctx->stream_body = [this, st, csv]() -> std::string {
            std::string piece;
            if (st->header) {
                st->header = false;
                return k_inventory_csv_header;
            }
            if (st->finished) {
                return piece;
            }
            const auto rows = sa::list_certificates(m_engine.store().reader(), m_owners, st->q);
            for (const auto& r : rows) {
                if (csv) {
                    append_csv_line(piece, r, st->q.now);
                } else {
                    append_ndjson_line(piece, r, st->q.now);
                }
            }
            if (rows.size() < static_cast<std::size_t>(st->q.limit)) {
                st->finished = true;
            } else {
                st->q.after = std::make_pair(rows.back().key, rows.back().sn);
            }
            return piece;
        };
        done(make_response(ctx->req, http::status::ok, "",
                           csv ? "text/csv; charset=utf-8" : "application/x-ndjson"));
        return;
    }
    if (format != "json") {
        throw bad_parameter("format", "format must be json, csv or ndjson");
    }
    const int want = q.limit;
    q.limit = want + 1; // one more tells whether there is a next page
    auto rows = sa::list_certificates(db, m_owners, q);
    json::object out;
    json::array items;
    const bool more = static_cast<int>(rows.size()) > want;
    if (more) {
        rows.pop_back();
    }
    for (const auto& r : rows) {
        items.push_back(item_json(r, q.now));
    }
    out["items"] = std::move(items);
    if (more) {
        out["nextCursor"] = encode_cursor(tag + ":" + std::to_string(rows.back().key) + ":" +
                                          std::to_string(rows.back().sn));
    } else {
        out["nextCursor"] = nullptr;
    }
    done(json_response(ctx->req, http::status::ok, json::serialize(out)));
}

namespace {

std::int64_t sn_param(const request_context& ctx) {
    const auto& s = ctx.path_params.at("certSN");
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || v <= 0) {
        throw bad_parameter("certSN", "certSN must be a positive decimal integer");
    }
    return v;
}

json::object audit_json(const storage::audit_row& a) {
    json::object o;
    o["id"] = a.id;
    o["at"] = rfc3339(a.at);
    o["actor"] = a.actor;
    o["action"] = a.action;
    o["certSN"] = a.cert_sn ? json::value(std::to_string(*a.cert_sn)) : json::value(nullptr);
    o["subject"] = a.subject;
    o["sourceIp"] = a.source_ip;
    o["outcome"] = a.outcome;
    o["hash"] = a.hash;
    return o;
}

} // namespace

void personality::get_one(std::shared_ptr<request_context> ctx, responder done) {
    const auto who = authorize(*ctx, role::viewer, m_engine.store(), m_engine.clock(), done);
    if (!who) {
        return;
    }
    check_known(*ctx, {});
    const auto sn = sn_param(*ctx);
    auto& db = m_engine.store().reader();
    const auto row = sa::find_inventory_row(db, m_owners, sn);
    if (!row) {
        done(error_json(ctx->req, http::status::not_found, "no certificate " + std::to_string(sn)));
        return;
    }
    const auto cert = m_engine.find_certificate(sn);
    auto o = item_json(*row, m_engine.clock().now_unix());
    const auto d = ca::admin::describe(cert->der);
    json::array sans;
    for (const auto& s : d.sans) {
        sans.push_back(json::value(s));
    }
    o["sans"] = std::move(sans);
    o["issuer"] = d.issuer;
    o["keyType"] = d.key_type;
    o["keySize"] = d.key_bits;
    json::array ext;
    for (const auto& e : d.extensions) {
        ext.push_back(json::object{{"oid", e.oid}, {"name", e.name}, {"critical", e.critical}});
    }
    o["extensions"] = std::move(ext);
    o["sha1"] = d.sha1;
    o["sha256"] = d.sha256;
    o["pem"] = d.pem;
    sa::audit_query aq;
    aq.cert_sn = sn;
    aq.limit = 1000;
    json::array entries;
    for (const auto& a : sa::search_audit(db, aq)) {
        entries.push_back(audit_json(a));
    }
    o["audit"] = std::move(entries);
    done(json_response(ctx->req, http::status::ok, json::serialize(o)));
}

void personality::revoke(std::shared_ptr<request_context> ctx, responder done) {
    const auto who = authorize(*ctx, role::operator_role, m_engine.store(), m_engine.clock(), done);
    if (!who) {
        return;
    }
    check_known(*ctx, {});
    const auto sn = sn_param(*ctx);
    int reason = 0;
    if (!ctx->req.body().empty()) {
        boost::system::error_code ec;
        const auto body = json::parse(ctx->req.body(), ec);
        if (ec || !body.is_object()) {
            throw bad_parameter("body", "body must be a JSON object");
        }
        if (const auto* r = body.as_object().if_contains("reason")) {
            const auto code = parse_reason(*r);
            if (!code) {
                throw bad_parameter("reason", "reason must be an RFC 5280 reason name or code "
                                              "(0, 1, 3, 4, 5, 6, 9)");
            }
            reason = *code;
        }
    }
    ca::revoke_request req;
    req.sn = sn;
    req.reason = reason;
    req.audit = ca::audit_context{who->actor(), ctx->remote_address, ""};
    m_engine.revoke(
        std::move(req), guarded(ctx, done, [this, ctx, done, sn, reason](ca::status st) {
            if (!st) {
                const auto code = st.err().code;
                if (code == ca::errc::internal) {
                    return answer_internal_error(*ctx, done, st.err().detail);
                }
                const auto status = code == ca::errc::certificate_not_found
                                        ? http::status::not_found
                                        : http::status::conflict;
                done(error_json(ctx->req, status, st.err().message + ": " + st.err().detail));
                return;
            }
            json::object o;
            o["certSN"] = std::to_string(sn);
            o["status"] = "revoked";
            o["reason"] = reason_name(reason);
            done(json_response(ctx->req, http::status::ok, json::serialize(o)));
        }));
}

void personality::stats(std::shared_ptr<request_context> ctx, responder done) {
    const auto who = authorize(*ctx, role::viewer, m_engine.store(), m_engine.clock(), done);
    if (!who) {
        return;
    }
    check_known(*ctx, {});
    const auto now = m_engine.clock().now_unix();
    auto& db = m_engine.store().reader();
    const auto s = sa::certificate_statistics(db, now);
    json::object o;
    o["now"] = rfc3339(now);
    json::array counts;
    for (const auto& c : s.counts) {
        counts.push_back(json::object{
            {"api", c.api}, {"authority", c.authority}, {"status", c.status}, {"count", c.count}});
    }
    o["counts"] = std::move(counts);
    auto series = [](const std::map<std::int64_t, std::int64_t>& m) {
        json::array a;
        for (const auto& [t, n] : m) {
            a.push_back(json::object{{"start", rfc3339(t)}, {"count", n}});
        }
        return a;
    };
    o["issuedPerHour"] = series(s.issued_per_hour);
    o["issuedPerDay"] = series(s.issued_per_day);
    o["expiringPerWeek"] = series(s.expiring_per_week);
    json::array authorities;
    for (const auto& a : sa::authority_crls(db)) {
        const auto kind = ca::parse_authority(a.name);
        json::object j;
        j["name"] = a.name;
        if (kind) {
            const auto& cert = m_engine.get(*kind).cert();
            j["notAfter"] = rfc3339(std::chrono::duration_cast<std::chrono::seconds>(
                                        cert.not_after().to_std_timepoint().time_since_epoch())
                                        .count());
            // For the console's authority tiles: which root this is, without a second request.
            j["subject"] = cert.subject_dn().to_string();
            j["keyType"] = cert.load_subject_public_key()->algo_name();
        }
        j["crlNumber"] = a.crl_number;
        if (a.crl_this_update) {
            j["crlThisUpdate"] = rfc3339(*a.crl_this_update);
            j["crlAgeSeconds"] = now - *a.crl_this_update;
        } else {
            j["crlThisUpdate"] = nullptr;
            j["crlAgeSeconds"] = nullptr;
        }
        authorities.push_back(std::move(j));
    }
    o["authorities"] = std::move(authorities);
    done(json_response(ctx->req, http::status::ok, json::serialize(o)));
}

void personality::audit(std::shared_ptr<request_context> ctx, responder done) {
    const auto who = authorize(*ctx, role::viewer, m_engine.store(), m_engine.clock(), done);
    if (!who) {
        return;
    }
    check_known(*ctx,
                {"actor", "action", "certSN", "from", "to", "outcome", "limit", "cursor", "sort"});
    sa::audit_query q;
    q.actor = ctx->query_param("actor");
    q.action = ctx->query_param("action");
    q.outcome = ctx->query_param("outcome");
    q.cert_sn = positive_param(*ctx, "certSN");
    q.from = time_param(*ctx, "from");
    q.to = time_param(*ctx, "to");
    const auto sort = ctx->query_param("sort").value_or("id");
    if (sort != "id" && sort != "-id") {
        throw bad_parameter("sort", "sort must be id or -id");
    }
    q.descending = sort == "-id";
    const int want = limit_param(*ctx);
    q.limit = want + 1;
    if (const auto c = ctx->query_param("cursor")) {
        const auto text = decode_cursor(*c);
        std::int64_t id = 0;
        const std::string prefix = "audit" + sort + ":";
        bool ok = text && text->rfind(prefix, 0) == 0;
        if (ok) {
            const auto rest = text->substr(prefix.size());
            auto [p, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), id);
            ok = ec == std::errc() && p == rest.data() + rest.size();
        }
        if (!ok) {
            throw bad_parameter("cursor",
                                "cursor is not one this listing returned (with this sort)");
        }
        q.after_id = id;
    }
    auto& db = m_engine.store().reader();
    auto rows = sa::search_audit(db, q);
    const bool more = static_cast<int>(rows.size()) > want;
    if (more) {
        rows.pop_back();
    }
    json::object o;
    json::array items;
    for (const auto& a : rows) {
        items.push_back(audit_json(a));
    }
    o["items"] = std::move(items);
    o["nextCursor"] =
        more ? json::value(encode_cursor("audit" + sort + ":" + std::to_string(rows.back().id)))
             : json::value(nullptr);
    const auto v = ca::verify_audit(db);
    json::object chain;
    chain["ok"] = v.ok;
    chain["entries"] = v.entries;
    chain["firstBroken"] = v.first_broken ? json::value(*v.first_broken) : json::value(nullptr);
    chain["reason"] = v.reason;
    o["chain"] = std::move(chain);
    done(json_response(ctx->req, http::status::ok, json::serialize(o)));
}

} // namespace localca::server::admin
