#include "ca/lab_clock.hpp"

#include "storage/lab_state_repository.hpp"

#include <charconv>
#include <ctime>

namespace localca::ca {

namespace {

bool digits(std::string_view s, int& out) {
    if (s.empty()) {
        return false;
    }
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && p == s.data() + s.size();
}

std::string describe(const lab_clock_change& c) {
    switch (c.what) {
    case lab_clock_change::kind::advance:
        return "advance " + std::to_string(c.by.count()) + "s";
    case lab_clock_change::kind::set:
        return "set " + rfc3339(c.to);
    case lab_clock_change::kind::reset:
        break;
    }
    return "reset";
}

} // namespace

std::optional<std::chrono::seconds> parse_lab_duration(std::string_view text) {
    bool negative = false;
    if (!text.empty() && text.front() == '-') {
        negative = true;
        text.remove_prefix(1);
    }
    if (text.size() < 2) {
        return std::nullopt;
    }
    std::int64_t unit = 0;
    switch (text.back()) {
    case 'd': unit = 86400; break;
    case 'h': unit = 3600; break;
    case 'm': unit = 60; break;
    case 's': unit = 1; break;
    default: return std::nullopt;
    }
    const auto number = text.substr(0, text.size() - 1);
    std::int64_t n = 0;
    auto [p, ec] = std::from_chars(number.data(), number.data() + number.size(), n);
    // Bounded to ±100 years so that no offset overflows a time_point.
    if (ec != std::errc() || p != number.data() + number.size() || n < 0 ||
        n > 100LL * 366 * 86400 / unit) {
        return std::nullopt;
    }
    return std::chrono::seconds(negative ? -n * unit : n * unit);
}

std::optional<clock::time_point> parse_rfc3339(std::string_view s) {
    // YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)
    if (s.size() < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') ||
        s[13] != ':' || s[16] != ':') {
        return std::nullopt;
    }
    std::tm tm{};
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (!digits(s.substr(0, 4), year) || !digits(s.substr(5, 2), month) ||
        !digits(s.substr(8, 2), day) || !digits(s.substr(11, 2), hour) ||
        !digits(s.substr(14, 2), minute) || !digits(s.substr(17, 2), second)) {
        return std::nullopt;
    }
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 ||
        second > 60) {
        return std::nullopt;
    }
    auto rest = s.substr(19);
    if (!rest.empty() && rest.front() == '.') {
        std::size_t i = 1;
        while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9') {
            ++i;
        }
        if (i == 1) {
            return std::nullopt;
        }
        rest.remove_prefix(i);
    }
    long zone = 0;
    if (rest == "Z" || rest == "z") {
        zone = 0;
    } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':') {
        int zh = 0, zm = 0;
        if (!digits(rest.substr(1, 2), zh) || !digits(rest.substr(4, 2), zm) || zh > 23 ||
            zm > 59) {
            return std::nullopt;
        }
        zone = (rest[0] == '+' ? 1 : -1) * (zh * 3600L + zm * 60L);
    } else {
        return std::nullopt;
    }
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    tm.tm_sec = second;
    const std::time_t t = timegm(&tm);
    if (tm.tm_mday != day) { // timegm normalised an impossible date such as 02-30
        return std::nullopt;
    }
    return std::chrono::system_clock::from_time_t(t - zone);
}

std::string rfc3339(clock::time_point t) {
    const std::time_t s = std::chrono::system_clock::to_time_t(
        std::chrono::time_point_cast<std::chrono::seconds>(t));
    std::tm tm{};
    gmtime_r(&s, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::chrono::seconds change_lab_clock(storage::store& store, const lab_clock_change& change,
                                      const audit_context& who) {
    std::chrono::seconds result{0};
    store.writer().run([&](storage::connection& db) {
        // Read inside the transaction: a concurrent change by the CLI and the server cannot
        // lose an advance.
        const auto stored = std::chrono::seconds(storage::read_lab_state(db).offset_seconds);
        const auto real = real_time()->now();
        std::chrono::seconds next{0};
        switch (change.what) {
        case lab_clock_change::kind::advance:
            next = stored + change.by;
            break;
        case lab_clock_change::kind::set:
            // Rounded up: the lab time shown right after is the time asked for, not a second
            // before it.
            next = std::chrono::ceil<std::chrono::seconds>(change.to - real);
            break;
        case lab_clock_change::kind::reset:
            break;
        }
        storage::write_lab_offset(db, next.count());
        const offset_clock lab_time(real_time(), next);
        auto e = make_audit_event(who, "lab-clock");
        e.subject = describe(change) + ": offset " + std::to_string(next.count()) +
                    "s, lab time " + rfc3339(lab_time.now()) + ", real time " + rfc3339(real);
        append_audit(db, e, lab_time);
        result = next;
    });
    return result;
}

std::chrono::seconds stored_lab_offset(storage::store& store) {
    const auto s = storage::read_lab_state(store.reader());
    return std::chrono::seconds(s.enabled ? s.offset_seconds : 0);
}

} // namespace localca::ca
