// SPDX-License-Identifier: MIT
#include "spread-bench-support.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include <dirent.h>
#include <time.h>
#include <unistd.h>

namespace bench {

int64_t nowNs()
{
    timespec ts {};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

// ---- /proc --------------------------------------------------------------

int64_t ServerProc::cpuUs() const
{
    if (!known())
        return -1;
    int64_t sum = cpuUsOf(m_pid);
    for (const pid_t pid : m_more) {
        const int64_t us = cpuUsOf(pid);
        sum = sum < 0 || us < 0 ? -1 : sum + us;
    }
    return sum;
}

int64_t ServerProc::cpuUsOf(pid_t pid)
{
    std::ifstream file("/proc/" + std::to_string(pid) + "/stat");
    std::string text;
    if (!std::getline(file, text))
        return -1;
    // The command name is in parentheses and may hold blanks: count fields after the last ')'.
    const size_t paren = text.rfind(')');
    if (paren == std::string::npos)
        return -1;
    std::istringstream fields(text.substr(paren + 1));
    std::string field;
    int64_t utime = -1;
    int64_t stime = -1;
    for (int i = 3; i <= 15 && (fields >> field); ++i) {   // field 3 is the state
        if (i == 14)
            utime = std::stoll(field);
        else if (i == 15)
            stime = std::stoll(field);
    }
    if (utime < 0 || stime < 0)
        return -1;
    static const long ticks = sysconf(_SC_CLK_TCK);
    return (utime + stime) * 1000000 / (ticks > 0 ? ticks : 100);
}

double ServerProc::cpuClockUs() const
{
    if (!known())
        return -1;
    double sum = cpuClockUsOf(m_pid);
    for (const pid_t pid : m_more) {
        const double us = cpuClockUsOf(pid);
        sum = sum < 0 || us < 0 ? -1 : sum + us;
    }
    return sum;
}

double ServerProc::cpuClockUsOf(pid_t pid)
{
    clockid_t clock {};
    timespec ts {};
    if (clock_getcpuclockid(pid, &clock) != 0 || clock_gettime(clock, &ts) != 0)
        return -1;
    return double(ts.tv_sec) * 1e6 + double(ts.tv_nsec) / 1e3;
}

int64_t ServerProc::rssKiB() const
{
    if (!known())
        return -1;
    int64_t sum = rssKiBOf(m_pid);
    for (const pid_t pid : m_more) {
        const int64_t kib = rssKiBOf(pid);
        sum = sum < 0 || kib < 0 ? -1 : sum + kib;
    }
    return sum;
}

int64_t ServerProc::rssKiBOf(pid_t pid)
{
    std::ifstream file("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(file, line)) {
        if (line.rfind("VmRSS:", 0) == 0)
            return std::stoll(line.substr(6));   // "VmRSS:\t  1234 kB"
    }
    return -1;
}

int64_t ServerProc::fdCount() const
{
    if (!known())
        return -1;
    DIR *dir = opendir(("/proc/" + std::to_string(m_pid) + "/fd").c_str());
    if (!dir)
        return -1;
    int64_t count = 0;
    while (const dirent *entry = readdir(dir)) {
        if (entry->d_name[0] != '.')
            ++count;
    }
    closedir(dir);
    return count;
}

bool ServerProc::alive() const
{
    return known() && aliveOf(m_pid) && std::all_of(m_more.begin(), m_more.end(), aliveOf);
}

bool ServerProc::aliveOf(pid_t pid)
{
    // A process that has ended but not been waited for is still listed: look at its state.
    std::ifstream file("/proc/" + std::to_string(pid) + "/stat");
    std::string text;
    if (!std::getline(file, text))
        return false;
    const size_t paren = text.rfind(')');
    return paren != std::string::npos && paren + 2 < text.size() && text[paren + 2] != 'Z' && text[paren + 2] != 'X';
}

// ---- lines --------------------------------------------------------------

void formatDataLine(char *out, size_t size, uint64_t seq, int64_t sentNs)
{
    const int n = std::snprintf(out, size, "#%llu %lld ", static_cast<unsigned long long>(seq),
                                static_cast<long long>(sentNs));
    const size_t head = std::min(size - 1, size_t(n > 0 ? n : 0));
    std::memset(out + head, 'x', size - 1 - head);
    out[size - 1] = '\n';
}

bool parseDataLine(const char *line, size_t length, size_t size, uint64_t *seq, int64_t *sentNs)
{
    if (length + 1 != size || length < 4 || line[0] != '#')
        return false;
    const char *p = line + 1;
    const char *end = line + length;
    uint64_t s = 0;
    const char *digits = p;
    while (p < end && *p >= '0' && *p <= '9')
        s = s * 10 + uint64_t(*p++ - '0');
    if (p == digits || p == end || *p != ' ')
        return false;
    ++p;
    int64_t t = 0;
    digits = p;
    while (p < end && *p >= '0' && *p <= '9')
        t = t * 10 + (*p++ - '0');
    if (p == digits || p == end || *p != ' ')
        return false;
    for (++p; p < end; ++p) {
        if (*p != 'x')
            return false;
    }
    *seq = s;
    *sentNs = t;
    return true;
}

// ---- histogram ----------------------------------------------------------

namespace {
constexpr int SubBits = 9;                     // 512 steps per power of two
constexpr uint64_t SubCount = 1u << SubBits;
constexpr uint64_t ExactBelow = SubCount * 2;  // 1024 ns, one bucket each
} // namespace

size_t Histogram::indexOf(uint64_t v)
{
    if (v < ExactBelow)
        return size_t(v);
    const int msb = 63 - std::countl_zero(v);  // >= 10
    const int shift = msb - SubBits;            // >= 1
    return size_t(ExactBelow + uint64_t(shift - 1) * SubCount + ((v >> shift) - SubCount));
}

uint64_t Histogram::valueOf(size_t index)
{
    if (index < ExactBelow)
        return index;
    const uint64_t i = index - ExactBelow;
    const int shift = int(i / SubCount) + 1;
    const uint64_t mantissa = i % SubCount + SubCount;
    return (mantissa << shift) + (uint64_t(1) << shift) / 2;   // the bucket's middle
}

void Histogram::add(int64_t ns)
{
    const uint64_t v = ns > 0 ? uint64_t(ns) : 0;
    const size_t i = indexOf(v);
    if (i >= m_buckets.size())
        m_buckets.resize(i + 1024);
    ++m_buckets[i];
    ++m_count;
    m_max = std::max(m_max, int64_t(v));
}

void Histogram::merge(const Histogram &other)
{
    if (other.m_buckets.size() > m_buckets.size())
        m_buckets.resize(other.m_buckets.size());
    for (size_t i = 0; i < other.m_buckets.size(); ++i)
        m_buckets[i] += other.m_buckets[i];
    m_count += other.m_count;
    m_max = std::max(m_max, other.m_max);
}

int64_t Histogram::quantile(double q) const
{
    if (m_count == 0)
        return 0;
    const uint64_t rank = std::max<uint64_t>(1, uint64_t(std::ceil(q * double(m_count))));
    uint64_t seen = 0;
    for (size_t i = 0; i < m_buckets.size(); ++i) {
        seen += m_buckets[i];
        if (seen >= rank)
            return std::min(int64_t(valueOf(i)), m_max);
    }
    return m_max;
}

// ---- sequence -----------------------------------------------------------

bool SeqChecker::add(uint64_t seq)
{
    const size_t word = size_t(seq / 64);
    const uint64_t bit = uint64_t(1) << (seq % 64);
    if (word >= m_seen.size())
        m_seen.resize(std::max(word + 1, m_seen.size() * 2), 0);
    if (m_seen[word] & bit) {
        ++m_duplicates;
        return false;
    }
    m_seen[word] |= bit;
    ++m_unique;
    if (seq + 1 < m_next)
        ++m_reordered;
    else
        m_next = seq + 1;
    return true;
}

// ---- results ------------------------------------------------------------

Result &Result::set(const std::string &key, const std::string &text)
{
    std::string value = text.empty() ? std::string("-") : text;
    std::replace_if(value.begin(), value.end(), [](char ch) { return ch == ' ' || ch == '\t' || ch == '\n'; }, '_');
    for (auto &pair : m_pairs) {
        if (pair.first == key) {
            pair.second = value;
            return *this;
        }
    }
    m_pairs.emplace_back(key, value);
    return *this;
}

std::string Result::get(const std::string &key) const
{
    for (const auto &pair : m_pairs) {
        if (pair.first == key)
            return pair.second;
    }
    return {};
}

Result &Result::setReal(const std::string &key, double value, int decimals)
{
    if (!std::isfinite(value))
        return set(key, "nan");
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", decimals, value);
    return set(key, std::string(text));
}

std::string Result::line() const
{
    std::string out;
    for (const auto &[key, value] : m_pairs) {
        if (!out.empty())
            out += ' ';
        out += key;
        out += '=';
        out += value;
    }
    return out;
}

std::string humanTable(const std::vector<Result> &results)
{
    std::vector<std::string> keys;
    for (const Result &r : results) {
        for (const auto &pair : r.pairs()) {
            if (std::find(keys.begin(), keys.end(), pair.first) == keys.end())
                keys.push_back(pair.first);
        }
    }
    size_t keyWidth = 0;
    for (const auto &k : keys)
        keyWidth = std::max(keyWidth, k.size());
    std::vector<size_t> widths;
    for (const Result &r : results) {
        size_t w = 1;
        for (const auto &pair : r.pairs())
            w = std::max(w, pair.second.size());
        widths.push_back(w);
    }
    std::string out;
    for (const auto &key : keys) {
        std::string row = key + std::string(keyWidth - key.size(), ' ');
        for (size_t c = 0; c < results.size(); ++c) {
            std::string value = "-";
            for (const auto &pair : results[c].pairs()) {
                if (pair.first == key)
                    value = pair.second;
            }
            row += "  " + std::string(widths[c] - std::min(widths[c], value.size()), ' ') + value;
        }
        out += row + '\n';
    }
    return out;
}

} // namespace bench
