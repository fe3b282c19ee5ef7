#include "ca/engine_detail.hpp"

namespace localca::ca::engine_detail {

std::chrono::system_clock::time_point now_seconds(const clock& clk) {
    return std::chrono::floor<std::chrono::seconds>(clk.now());
}

error internal_error(const std::exception& e) {
    return make_error(errc::internal, "internal error", e.what());
}

error internal_error(const std::exception_ptr& p) {
    try {
        std::rethrow_exception(p);
    } catch (const std::exception& e) {
        return internal_error(e);
    } catch (...) {
        return make_error(errc::internal, "internal error", "unknown failure");
    }
}

} // namespace localca::ca::engine_detail
