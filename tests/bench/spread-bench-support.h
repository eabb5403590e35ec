// SPDX-License-Identifier: MIT
#pragma once

// spread-bench's building blocks, free of Qt: the clock, the server's
// /proc figures, the line format, the sequence checker, the latency
// histogram and the result lines.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <sys/types.h>

namespace bench {

/** CLOCK_MONOTONIC in nanoseconds: the same clock on both ends of a line. */
int64_t nowNs();

/**
 * What /proc says about the server process; every reader returns -1 when it cannot tell.
 * A server of several processes (haproxy in front of a relay) is given as all their PIDs, the
 * one the clients connect to first: CPU and RSS are the sums, descriptors the first's.
 */
class ServerProc
{
public:
    explicit ServerProc(pid_t pid = 0) : m_pid(pid) {}
    explicit ServerProc(const std::vector<pid_t> &pids) : m_pid(pids.empty() ? 0 : pids.front()), m_more(pids)
    {
        if (!m_more.empty())
            m_more.erase(m_more.begin());
    }
    bool known() const { return m_pid > 0; }
    pid_t pid() const { return m_pid; }
    /** utime + stime of every thread (/proc/PID/stat), in microseconds; resolution one clock tick. */
    int64_t cpuUs() const;
    /**
     * The same CPU time read from the process's CPU-time clock (clock_getcpuclockid), in
     * microseconds with nanosecond resolution instead of a clock tick's.
     */
    double cpuClockUs() const;
    /** VmRSS (/proc/PID/status), in KiB. */
    int64_t rssKiB() const;
    /** Open descriptors (/proc/PID/fd) of the first process. */
    int64_t fdCount() const;
    /** The process exists and has not ended (every one of them). */
    bool alive() const;

private:
    static int64_t cpuUsOf(pid_t pid);
    static double cpuClockUsOf(pid_t pid);
    static int64_t rssKiBOf(pid_t pid);
    static bool aliveOf(pid_t pid);
    pid_t m_pid = 0;
    std::vector<pid_t> m_more;   // the other processes of the server
};

/*
 * The lines the benchmark sends, each exactly `size` bytes with its "\n":
 *
 *   data:   "#" SEQ " " SENT_NS " " "x"... "\n"    SEQ from 0, SENT_NS CLOCK_MONOTONIC
 *   sync:   "~sync " K "\n"                       sent until every receiver saw one
 *
 * Anything else a receiver gets (a welcome, a server's notice) is foreign
 * and ignored; a line that starts with "#" but does not parse is corrupt
 * (for example two senders' bytes mixed, or a line cut short).
 */
constexpr size_t MinLineBytes = 40;
/** Writes one data line of @p size bytes into @p out (which must hold @p size bytes). */
void formatDataLine(char *out, size_t size, uint64_t seq, int64_t sentNs);
/** Parses a data line without its "\n"; false if it is not one of @p size bytes. */
bool parseDataLine(const char *line, size_t length, size_t size, uint64_t *seq, int64_t *sentNs);

/** Latency histogram in nanoseconds: exact below 1 us, then 512 steps per power of two (< 0.2 % error). */
class Histogram
{
public:
    void add(int64_t ns);
    void merge(const Histogram &other);
    uint64_t count() const { return m_count; }
    int64_t max() const { return m_max; }
    /** The value at quantile @p q (0..1), in nanoseconds; 0 when empty. */
    int64_t quantile(double q) const;

private:
    static size_t indexOf(uint64_t v);
    static uint64_t valueOf(size_t index);
    std::vector<uint64_t> m_buckets;
    uint64_t m_count = 0;
    int64_t m_max = 0;
};

/** One receiver's view of one sender's sequence: what arrived, twice, out of order. */
class SeqChecker
{
public:
    /** Records @p seq; returns false for a duplicate. */
    bool add(uint64_t seq);
    uint64_t unique() const { return m_unique; }
    uint64_t duplicates() const { return m_duplicates; }
    /** Lines that arrived after a higher sequence number had. */
    uint64_t reordered() const { return m_reordered; }

private:
    std::vector<uint64_t> m_seen;   // bit set
    uint64_t m_next = 0;            // one past the highest seen
    uint64_t m_unique = 0;
    uint64_t m_duplicates = 0;
    uint64_t m_reordered = 0;
};

/** One result line: ordered key=value pairs (blanks in values become '_'). */
class Result
{
public:
    Result &set(const std::string &key, const std::string &value);
    Result &set(const std::string &key, const char *value) { return set(key, std::string(value)); }
    Result &set(const std::string &key, int64_t value) { return set(key, std::to_string(value)); }
    Result &set(const std::string &key, uint64_t value) { return set(key, std::to_string(value)); }
    Result &set(const std::string &key, int value) { return set(key, std::to_string(value)); }
    Result &setReal(const std::string &key, double value, int decimals);
    /** The value of @p key, or "" */
    std::string get(const std::string &key) const;
    bool ok() const { return get("status") == "ok"; }
    std::string line() const;
    const std::vector<std::pair<std::string, std::string>> &pairs() const { return m_pairs; }

private:
    std::vector<std::pair<std::string, std::string>> m_pairs;
};

/** The people's version of @p results: one column per result, one row per key. */
std::string humanTable(const std::vector<Result> &results);

} // namespace bench
