// /lab/v1/snapshots and /lab/v1/reset: the lab API over the data dir's snapshots
// (tools/localca/lab_snapshot.hpp does the work through snapshot_hooks).
#include "server/lab/personality.hpp"

#include <boost/json.hpp>

namespace localca::server::lab {

namespace json = boost::json;

namespace {

// How long a restore waits for the requests in flight before it gives up (nothing restored).
constexpr std::chrono::milliseconds k_restore_drain{10000};

// The routes' refusal when the hooks say snapshots cannot be made (PostgreSQL).
bool refused(const snapshot_hooks& h, const request_context& ctx, const responder& done) {
    if (h.unsupported.empty()) {
        return false;
    }
    done(json_response(ctx.req, http::status::conflict,
                       json::serialize(json::object{{"message", h.unsupported}})));
    return true;
}

} // namespace

void personality::add_snapshot_routes(router& r) {
    m_gate = r.gate();
    r.add(http::verb::post, "/lab/v1/snapshots",
          [this](auto ctx, responder done) { take_snapshot(ctx, std::move(done)); });
    r.add(http::verb::get, "/lab/v1/snapshots",
          [this](auto ctx, responder done) { list_snapshots(ctx, std::move(done)); });
    r.add(http::verb::post, "/lab/v1/snapshots/{name}/restore", [this](auto ctx, responder done) {
        restore_snapshot(ctx, std::move(done), ctx->path_params["name"]);
    });
    r.add(http::verb::post, "/lab/v1/reset", [this](auto ctx, responder done) {
        restore_snapshot(ctx, std::move(done), std::nullopt);
    });
    r.add(http::verb::delete_, "/lab/v1/snapshots/{name}", [this](auto ctx, responder done) {
        delete_snapshot(ctx, std::move(done), ctx->path_params["name"]);
    });
}

void personality::take_snapshot(std::shared_ptr<request_context> ctx, responder done) {
    const auto actor = m_authorize(*ctx, done);
    if (!actor || refused(*m_snapshots, *ctx, done)) {
        return;
    }
    boost::system::error_code ec;
    const auto body = json::parse(ctx->req.body(), ec);
    const auto* name = !ec && body.is_object() ? body.as_object().if_contains("name") : nullptr;
    if (!name || !name->is_string() || !m_snapshots->valid_name(std::string(name->as_string()))) {
        return done(
            bad_field(ctx->req, "name", "name must be 1 to 64 of A-Z a-z 0-9 . _ - (not . or ..)"));
    }
    const std::string n(name->as_string());
    const auto count = m_snapshots->take(n);
    audit(*actor, *ctx, "snapshot " + n + ": " + std::to_string(count) + " certificates",
          "lab-snapshot");
    done(json_response(ctx->req, http::status::created,
                       json::serialize(json::object{{"name", n}, {"certificates", count}})));
}

void personality::list_snapshots(std::shared_ptr<request_context> ctx, responder done) {
    if (!m_authorize(*ctx, done) || refused(*m_snapshots, *ctx, done)) {
        return;
    }
    json::array out;
    for (const auto& [name, count] : m_snapshots->list()) {
        out.push_back(json::object{{"name", name}, {"certificates", count}});
    }
    done(json_response(ctx->req, http::status::ok,
                       json::serialize(json::object{{"snapshots", std::move(out)}})));
}

void personality::restore_snapshot(std::shared_ptr<request_context> ctx, responder done,
                                   std::optional<std::string> name) {
    const auto actor = m_authorize(*ctx, done);
    if (!actor || refused(*m_snapshots, *ctx, done)) {
        return;
    }
    const auto n = name.value_or(m_snapshots->baseline);
    if (!m_snapshots->valid_name(n) || !m_snapshots->exists(n)) {
        return done(json_response(ctx->req, http::status::not_found,
                                  json::serialize(json::object{{"message", "no snapshot " + n}})));
    }
    // The restore runs alone: new requests wait at the gate, those in flight finish first, so
    // no request reads the old state and writes into the new one. On the writer it is one job
    // run alone too (storage::writer::run_alone), for writes queued by requests already answered.
    snapshot_hooks::restored r;
    const bool ran = m_gate->run_exclusive(ctx->admission.get(), k_restore_drain, [&] {
        r = m_snapshots->restore(n, *actor, ctx->remote_address);
    });
    if (!ran) {
        return done(
            json_response(ctx->req, http::status::service_unavailable,
                          json::serialize(json::object{
                              {"message", "requests still in flight after " +
                                              std::to_string(k_restore_drain.count() / 1000) +
                                              " s; nothing was restored, try again"}})));
    }
    done(json_response(ctx->req, http::status::ok,
                       json::serialize(json::object{{"name", n},
                                                    {"certificatesBefore", r.certificates_before},
                                                    {"certificatesAfter", r.certificates_after},
                                                    {"nextSerial", r.next_serial}})));
}

// The web console's snapshot list needs a way to drop what a lab run no longer needs. The
// baseline is refused: reset would then have nothing to restore until the next start (replace
// it by taking a snapshot of that name instead).
void personality::delete_snapshot(std::shared_ptr<request_context> ctx, responder done,
                                  const std::string& name) {
    const auto actor = m_authorize(*ctx, done);
    if (!actor || refused(*m_snapshots, *ctx, done)) {
        return;
    }
    if (name == m_snapshots->baseline) {
        return done(json_response(
            ctx->req, http::status::conflict,
            json::serialize(json::object{
                {"message", name + " is what /lab/v1/reset restores: replace it (POST "
                                   "/lab/v1/snapshots with its name), do not delete it"}})));
    }
    if (!m_snapshots->valid_name(name) || !m_snapshots->remove(name)) {
        return done(
            json_response(ctx->req, http::status::not_found,
                          json::serialize(json::object{{"message", "no snapshot " + name}})));
    }
    audit(*actor, *ctx, "snapshot " + name + " deleted", "lab-snapshot-delete");
    done(json_response(ctx->req, http::status::ok,
                       json::serialize(json::object{{"name", name}, {"deleted", true}})));
}

} // namespace localca::server::lab
