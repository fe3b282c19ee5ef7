// The officer's queue of emCA: requests held for manual authorization, approved (issued with
// their stored profile, validity and notBefore) or rejected, each decision audited in its own
// transaction.
#include "ca/emca/issuance_service.hpp"

#include "ca/csr.hpp"
#include "ca/emca/issuance_items.hpp"
#include "storage/emca/api_user_repository.hpp"
#include "storage/emca/issuance_request_repository.hpp"

#include <functional>
#include <future>
#include <memory>
#include <sstream>

namespace localca::ca::emca {

namespace {

template <class T> T wait_for(std::function<void(std::function<void(T)>)> start) {
    auto promise = std::make_shared<std::promise<T>>();
    auto future = promise->get_future();
    start([promise](T v) { promise->set_value(std::move(v)); });
    return future.get();
}

} // namespace

std::vector<pending_request> issuance_service::pending() {
    auto& db = m_engine.store().reader();
    std::vector<pending_request> out;
    for (const auto& item : storage::emca::pending_items(db)) {
        pending_request p;
        p.request = item.id;
        p.item_id = item.item_id;
        p.profile_id = item.profile_id;
        if (const auto user = storage::emca::find_api_user_by_id(db, item.user)) {
            p.user_name = user->user_name;
        }
        // Only shown to the officer; authority policy is checked again at approval.
        const std::string csr(item.csr.begin(), item.csr.end());
        for (auto kind : {authority_kind::rsa, authority_kind::ecc}) {
            if (auto sk = check_csr(csr, kind)) {
                std::ostringstream s;
                s << sk->subject;
                p.subject = s.str();
                break;
            }
        }
        out.push_back(std::move(p));
    }
    return out;
}

result<issued_certificate> issuance_service::approve(std::int64_t request,
                                                     const audit_context& who) {
    const auto item = storage::emca::find_item(m_engine.store().reader(), request);
    if (!item || item->status != storage::emca::item_status::pending) {
        return make_error(errc::request_not_found, "request not pending",
                          "no pending request " + std::to_string(request));
    }
    auto profile = find_profile(item->profile_id);
    if (!profile) {
        return profile.err();
    }
    batch_item bi{item->item_id, std::string(item->csr.begin(), item->csr.end())};
    auto sk = check_item(bi, profile.value());
    if (!sk) {
        return sk.err();
    }
    std::optional<std::chrono::system_clock::time_point> not_before;
    if (item->not_before) {
        not_before = std::chrono::system_clock::time_point(std::chrono::seconds(*item->not_before));
    }
    std::vector<issue_request> reqs;
    reqs.push_back(issue_request_for(profile.value(), std::move(sk.value()),
                                     std::chrono::seconds(item->validity), not_before));
    reqs.back().audit = audit_context{who.actor, who.source_ip, "emca-approve"};
    reqs.back().profile.authority_info_access = m_engine.opts().aia_for("emca");
    auto decided = std::make_shared<bool>(true);
    auto mark = [request, decided, &clk = m_engine.clock()](
                    storage::connection& db, const std::vector<issued_certificate>& issued) {
        if (!storage::emca::mark_item_issued(db, request, issued.at(0).sn, clk.now_unix())) {
            *decided = false; // another officer decided meanwhile: roll our certificate back
            throw std::runtime_error("request is not pending any more");
        }
    };
    using batch = result<std::vector<issued_certificate>>;
    auto r = wait_for<batch>([&](std::function<void(batch)> cb) {
        m_engine.issue_batch(std::move(reqs), mark, std::move(cb));
    });
    if (!*decided) {
        return make_error(errc::request_not_found, "request not pending",
                          "request " + std::to_string(request) + " was decided meanwhile");
    }
    if (!r) {
        return r.err();
    }
    return std::move(r.value().at(0));
}

status issuance_service::reject(std::int64_t request, const audit_context& who) {
    bool ok = false;
    m_engine.store().writer().run([&](storage::connection& db) {
        ok = storage::emca::mark_item_rejected(db, request, m_engine.clock().now_unix());
        if (ok) {
            // Recorded in the same transaction as the rejection, like an approval's issuance.
            append_audit(db,
                         make_audit_event(audit_context{who.actor, who.source_ip, ""},
                                          "emca-reject", {}, "request " + std::to_string(request)),
                         m_engine.clock());
        }
    });
    if (!ok) {
        return make_error(errc::request_not_found, "request not pending",
                          "no pending request " + std::to_string(request));
    }
    return success();
}

} // namespace localca::ca::emca
