#pragma once
// The Prometheus text exposition format, version 0.0.4: families (# HELP, # TYPE) and their
// samples, with label values escaped and histograms rendered cumulative with _bucket{le},
// _sum and _count. Pure text: the /metrics route feeds it, unit tests read it.
#include "storage/metrics.hpp"

#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace localca::server {

inline constexpr const char* k_exposition_content_type = "text/plain; version=0.0.4; charset=utf-8";

using metric_labels = std::vector<std::pair<std::string, std::string>>;

class exposition {
public:
    enum class kind { counter, gauge, histogram };

    // Starts a family. Every sample of a family must follow its family() call (the format wants
    // them together); a name given twice throws std::logic_error.
    void family(const std::string& name, kind type, std::string_view help);
    // One sample of the current family (a counter's name includes its _total).
    void sample(const metric_labels& labels, double value);
    // One histogram of the current family: its buckets made cumulative, +Inf, _sum, _count.
    void histogram(const metric_labels& labels, const storage::histogram_snapshot& h);

    const std::string& text() const { return m_text; }

    // Label value and HELP escaping of the format (\\, \" and \n; HELP: \\ and \n).
    static std::string escape_label(std::string_view value);
    static std::string escape_help(std::string_view help);
    // A sample value: integers without a fraction, else the shortest exact form; +Inf, -Inf, NaN.
    static std::string number(double value);

private:
    void line(std::string_view name, const metric_labels& labels, const std::string* le,
              std::string_view value);

    std::string m_text;
    std::string m_name; // the current family
    kind m_kind = kind::gauge;
    std::set<std::string> m_families;
};

} // namespace localca::server
