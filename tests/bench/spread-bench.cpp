// SPDX-License-Identifier: MIT
//
// spread-bench: drives any line server on a host and port and measures what
// the server spends (CPU and RSS of its PID, from /proc) per message, per
// connection and per connect/close cycle. See --help and tests/bench/.
//
// The load is generated with raw non-blocking sockets on epoll: every client
// connection is a record in an epoll set (a Driver). The one sending client
// runs on a thread of its own so that pacing and saturation do not wait for
// the receivers; the receivers (and churn cycles) are shared out over a few
// Drivers on threads of their own (--threads) so that reading and checking
// is not what limits a fast server. Lines carry a sequence number and their
// CLOCK_MONOTONIC send time (spread-bench-support.h), so every receiver
// checks loss, duplicates and order and measures latency.
//
// The tls- modes are the same loads over TLS (OpenSSL, non-blocking, in the
// same Drivers), the server verified against --tls-ca; tls-handshake counts
// full and resumed handshakes, tls-memory --silent what a connection that
// never starts its handshake costs until the server drops it.
//
// Output: one line of key=value pairs per result, then a table for people.
// Exit code: 0; 1 if anything was lost, duplicated, reordered, corrupt or
// dropped, or the server could not be reached; 2 for a bad option.

#include "spread-bench-support.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QStringList>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;
using namespace bench;

namespace {

constexpr int64_t Ms = 1000000;      // ns
constexpr int64_t Sec = 1000000000;  // ns
constexpr size_t ReadChunk = 256 * 1024;
constexpr size_t SenderQueueBytes = 64 * 1024;

struct Options {
    std::string mode;
    std::string label = "server";
    std::string host = "127.0.0.1";
    sockaddr_in target {};
    int port = 0;
    std::vector<pid_t> pids;         // the server's processes, the one clients connect to first
    bool welcome = true;
    std::vector<int> idle { 0 };
    std::vector<double> rates;       // per mode default when empty
    double durationS = -1;           // per mode default when negative
    int clients = -1;                // per mode default when negative
    int receivers = 50;
    uint64_t lines = 20000;
    size_t lineBytes = 64;
    bool lengthFrames = false;       // fanout: --framing length:2, each line a 2-byte big-endian length and a body
    int cycles = 10000;
    int concurrency = -1;            // per mode default when negative
    int broadcasts = 10;             // memory: lines sent to every client after connecting
    double floodEveryS = 10;
    uint64_t floodLines = 5000;
    double churnRate = 100;          // soak: connect/close cycles a second
    int connectBurst = 32;
    int threads = 2;                 // receiving threads (fanout, soak, churn)
    int receiversPort = 0;           // fanout: receivers on this port (a second, bridged server); 0: --port
    double drainS = 5;
    double timeoutS = 120;
    bool table = true;
    // The tls- modes.
    bool tls = false;
    std::string tlsCa;               // the server's certificate is verified against these CAs
    std::string tlsName = "localhost";   // ... for this name (SNI too) or IP address
    SSL_CTX *tlsContext = nullptr;   // made once the options are read
    bool silent = false;             // tls-memory: connections that never send a byte
    double silentWaitS = 30;         // ... dropped by the server within this time
};

std::string fixed(double v, int decimals)
{
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", decimals, v);
    return text;
}

// ---- TLS ------------------------------------------------------------------

/** The first TLS failure of the run (any thread), said on every failed result. */
std::mutex g_tlsErrorMutex;
std::string g_tlsError;

void noteTlsError(const std::string &text)
{
    const std::lock_guard lock(g_tlsErrorMutex);
    if (g_tlsError.empty())
        g_tlsError = text;
}

std::string tlsError()
{
    const std::lock_guard lock(g_tlsErrorMutex);
    return g_tlsError;
}

/** OpenSSL's newest error on this thread, and the queue emptied (SSL_get_error() wants it empty). */
std::string takeOpenSslError()
{
    char text[256] = "unknown";
    if (const unsigned long code = ERR_peek_last_error())
        ERR_error_string_n(code, text, sizeof text);
    ERR_clear_error();
    return text;
}

/** The client side of every tls- connection: the server verified against --tls-ca, for --tls-name. */
SSL_CTX *makeTlsContext(const Options &o, std::string *why)
{
    SSL_CTX *context = SSL_CTX_new(TLS_client_method());
    if (!context) {
        *why = "cannot make a TLS context: " + takeOpenSslError();
        return nullptr;
    }
    SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION);
    if (SSL_CTX_load_verify_locations(context, o.tlsCa.c_str(), nullptr) != 1) {
        *why = "cannot read --tls-ca '" + o.tlsCa + "': " + takeOpenSslError();
        SSL_CTX_free(context);
        return nullptr;
    }
    SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nullptr);
    X509_VERIFY_PARAM *check = SSL_CTX_get0_param(context);
    in6_addr address {};
    const bool isIp = inet_pton(AF_INET, o.tlsName.c_str(), &address) == 1
            || inet_pton(AF_INET6, o.tlsName.c_str(), &address) == 1;
    if ((isIp ? X509_VERIFY_PARAM_set1_ip_asc(check, o.tlsName.c_str())
              : X509_VERIFY_PARAM_set1_host(check, o.tlsName.c_str(), 0)) != 1) {
        *why = "bad --tls-name '" + o.tlsName + "': " + takeOpenSslError();
        SSL_CTX_free(context);
        return nullptr;
    }
    // Partial writes as send() has them (the sender's queue moves when it is compacted), and no
    // read or write buffers held by an idle connection: 10,000 clients stay cheap for the bench.
    SSL_CTX_set_mode(context, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER
                                      | SSL_MODE_RELEASE_BUFFERS);
    // A server that closes without close_notify ends the stream, as a TCP close does.
    SSL_CTX_set_options(context, SSL_OP_IGNORE_UNEXPECTED_EOF);
    return context;
}

/** A TLS call's result as recv() and send() say it: -1 with EAGAIN to wait (either way), EPROTO for a TLS error. */
ssize_t tlsResult(SSL *ssl, int n)
{
    if (n > 0)
        return n;
    switch (SSL_get_error(ssl, n)) {
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE:
        errno = EAGAIN;
        return -1;
    case SSL_ERROR_ZERO_RETURN:
        return 0;
    case SSL_ERROR_SYSCALL:
        ERR_clear_error();
        if (errno == 0 || errno == EAGAIN)
            errno = ECONNRESET;
        return -1;
    default:
        noteTlsError(takeOpenSslError());
        errno = EPROTO;
        return -1;
    }
}

/** One recv() of a connection; through TLS when @p ssl is set. */
ssize_t readSome(int fd, SSL *ssl, char *data, size_t size)
{
    if (!ssl)
        return ::recv(fd, data, size, 0);
    return tlsResult(ssl, SSL_read(ssl, data, int(std::min<size_t>(size, std::numeric_limits<int>::max()))));
}

/** One send() of a connection; through TLS when @p ssl is set. */
ssize_t writeSome(int fd, SSL *ssl, const char *data, size_t size)
{
    if (!ssl)
        return ::send(fd, data, size, MSG_NOSIGNAL);
    return tlsResult(ssl, SSL_write(ssl, data, int(std::min<size_t>(size, std::numeric_limits<int>::max()))));
}

// ---- the sending client (own thread) ------------------------------------

struct SendPlan {
    uint64_t totalLines = 0;     // 0: no limit (then durationNs ends it)
    double rate = 0;             // lines/s; 0: as fast as the server takes them
    int64_t durationNs = 0;      // 0: until totalLines are sent
    int64_t floodEveryNs = 0;    // soak: every so often ...
    uint64_t floodLines = 0;     // ... this many lines at once
    size_t lineBytes = 64;
    bool lengthFrames = false;   // each line of lineBytes bytes a length:2 frame instead
};

/** Frames what goes to a server of --framing length:2: a 2-byte big-endian length, then @p text. */
std::string lengthFrame(const std::string &text)
{
    return std::string { char(text.size() >> 8), char(text.size() & 0xff) } + text;
}

struct SendState {
    std::atomic<uint64_t> sent { 0 };        // lines wholly written
    std::atomic<bool> done { false };
    std::atomic<bool> stop { false };
    int64_t startNs = 0;
    int64_t endNs = 0;
    uint64_t echoed = 0;                     // own data lines that came back
    int64_t lateNs = 0;                      // paced: how far behind the schedule it fell, at most
    std::string error;
};

void runSender(int fd, SSL *ssl, const SendPlan &plan, SendState *state)
{
    const int ep = epoll_create1(EPOLL_CLOEXEC);
    const int timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    epoll_event ev {};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    ev.data.fd = timer;
    epoll_ctl(ep, EPOLL_CTL_ADD, timer, &ev);
    bool wantOut = false;

    std::vector<char> out;
    size_t outOffset = 0;
    uint64_t queued = 0;          // lines formatted
    uint64_t bytesWritten = 0;
    bool atLineStart = true;
    const int64_t start = nowNs();
    state->startNs = start;
    const int64_t end = plan.durationNs > 0 ? start + plan.durationNs : std::numeric_limits<int64_t>::max();
    int64_t nextFlood = plan.floodEveryNs > 0 ? start + plan.floodEveryNs : std::numeric_limits<int64_t>::max();
    uint64_t floodDue = 0;
    char scratch[64 * 1024];
    const int64_t hardEnd = start + (plan.durationNs > 0 ? plan.durationNs : 0) + 600 * Sec;

    for (;;) {
        int64_t now = nowNs();
        if (state->stop.load() || now > hardEnd)
            break;
        const bool timeUp = now >= end;
        uint64_t due = queued;
        int64_t wake = std::numeric_limits<int64_t>::max();
        if (!timeUp) {
            while (now >= nextFlood) {
                floodDue += plan.floodLines;
                nextFlood += plan.floodEveryNs;
            }
            uint64_t paced;
            if (plan.rate <= 0) {
                paced = plan.totalLines ? plan.totalLines : queued + 4096;
            } else {
                paced = uint64_t(double(now - start) * plan.rate / double(Sec)) + 1;
                wake = start + int64_t(std::ceil(double(paced) * double(Sec) / plan.rate));
            }
            due = paced + floodDue;
            if (plan.totalLines)
                due = std::min(due, plan.totalLines);
            wake = std::min({ wake, nextFlood, end });
        }
        if (outOffset >= SenderQueueBytes) {   // drop what was written, so the queue does not grow
            out.erase(out.begin(), out.begin() + std::ptrdiff_t(outOffset));
            outOffset = 0;
        }
        while (queued < due && out.size() - outOffset < SenderQueueBytes) {
            const size_t at = out.size();
            out.resize(at + plan.lineBytes);
            if (plan.lengthFrames) {
                // The same bytes on the wire: two of the line become the length field.
                const size_t body = plan.lineBytes - 2;
                out[at] = char(body >> 8);
                out[at + 1] = char(body & 0xff);
                formatDataLine(out.data() + at + 2, body, queued, now);
            } else {
                formatDataLine(out.data() + at, plan.lineBytes, queued, now);
            }
            if (plan.rate > 0 && plan.floodLines == 0) {
                // How late this line is against its schedule: the generator's own lag.
                const int64_t lineDue = start + int64_t(double(queued) * double(Sec) / plan.rate);
                state->lateNs = std::max(state->lateNs, now - lineDue);
            }
            ++queued;
        }
        bool blocked = false;
        while (outOffset < out.size()) {
            const ssize_t n = writeSome(fd, ssl, out.data() + outOffset, out.size() - outOffset);
            if (n > 0) {
                outOffset += size_t(n);
                bytesWritten += uint64_t(n);
                state->sent.store(bytesWritten / plan.lineBytes);
                state->endNs = nowNs();
            } else if (n < 0 && errno == EINTR) {
                continue;
            } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                blocked = true;
                break;
            } else {
                state->error = std::string("send: ") + std::strerror(n < 0 ? errno : EPIPE);
                break;
            }
        }
        if (!state->error.empty())
            break;
        if (outOffset == out.size()) {
            out.clear();
            outOffset = 0;
        }
        const bool allQueued = (plan.totalLines && queued >= plan.totalLines) || timeUp;
        if (allQueued && out.empty())
            break;
        if (!blocked && queued < due)
            continue;   // more to format now

        if (blocked != wantOut) {
            ev.events = EPOLLIN | (blocked ? EPOLLOUT : 0u);
            ev.data.fd = fd;
            epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev);
            wantOut = blocked;
        }
        if (!blocked && !allQueued && wake != std::numeric_limits<int64_t>::max()) {
            itimerspec spec {};
            spec.it_value.tv_sec = wake / Sec;
            spec.it_value.tv_nsec = wake % Sec;
            timerfd_settime(timer, TFD_TIMER_ABSTIME, &spec, nullptr);
        }
        epoll_event events[4];
        const int n = epoll_wait(ep, events, 4, 100);
        for (int i = 0; i < n; ++i) {
            if (events[i].data.fd == timer) {
                uint64_t expirations;
                [[maybe_unused]] const ssize_t r = ::read(timer, &expirations, sizeof expirations);
                continue;
            }
            if (!(events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
                continue;
            // Whatever the server sends the sender (its welcome) is read and dropped;
            // a data line of ours coming back would be an echo.
            const ssize_t r = readSome(fd, ssl, scratch, sizeof scratch);
            if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
                state->error = "connection closed by the server";
                break;
            }
            for (ssize_t k = 0; k < r; ++k) {
                if (atLineStart && scratch[k] == '#')
                    ++state->echoed;
                atLineStart = scratch[k] == '\n';
            }
        }
        if (!state->error.empty())
            break;
    }
    state->sent.store(bytesWritten / plan.lineBytes);
    if (state->endNs == 0)
        state->endNs = nowNs();
    ::close(timer);
    ::close(ep);
    state->done.store(true);
}

// ---- the connections: one epoll loop per Driver ----------------------------

enum class Role { Idle, Receiver, Sender, Churn };
enum class State { Unused, Connecting, Handshaking, Welcoming, Ready, Closed, Failed };

/** Set up but not yet ready: the TCP connect, the TLS handshake, the welcome. */
bool inFlight(State s)
{
    return s == State::Connecting || s == State::Handshaking || s == State::Welcoming;
}

struct Conn {
    int fd = -1;
    SSL *ssl = nullptr;           // the tls- modes
    bool watchOut = false;        // TLS handshake: waits for the socket to take more
    Role role = Role::Idle;
    State state = State::Unused;
    bool synced = false;
    bool awaitEof = false;        // churn without a welcome: waits for the server's close
    int64_t deadlineNs = 0;       // churn: give up on this cycle then
    std::string partial;          // unterminated tail (receivers)
    SeqChecker seq;
};

class Driver
{
public:
    explicit Driver(const Options &options) : m_opt(options), m_proc(options.pids)
    {
        m_epoll = epoll_create1(EPOLL_CLOEXEC);
        m_buffer.resize(ReadChunk);
    }
    ~Driver()
    {
        for (auto &c : m_conns)
            closeConn(*c, State::Closed);
        ::close(m_epoll);
    }

    const ServerProc &proc() const { return m_proc; }

    Conn *add(Role role)
    {
        m_conns.push_back(std::make_unique<Conn>());
        m_conns.back()->role = role;
        if (role == Role::Receiver)
            m_receivers.push_back(m_conns.back().get());
        return m_conns.back().get();
    }

    const std::vector<Conn *> &receivers() const { return m_receivers; }

    /** Runs the loop on the calling thread until @p stop, publishing its progress after each round. */
    void run(const std::atomic<bool> &stop)
    {
        while (!stop.load(std::memory_order_relaxed)) {
            step(10);
            publish();
        }
        publish();
    }

    /** What another thread may read while run() goes on. */
    struct Progress {
        std::atomic<uint64_t> minUnique { 0 };    // fewest lines any open receiver has
        std::atomic<uint64_t> events { 0 };       // deliveries and churn cycles so far
        std::atomic<bool> churnActive { false };
    };
    Progress progress;

    void publish()
    {
        uint64_t least = std::numeric_limits<uint64_t>::max();
        for (const Conn *c : m_receivers) {
            if (c->state == State::Ready)
                least = std::min(least, c->seq.unique());
        }
        progress.minUnique.store(least, std::memory_order_relaxed);
        progress.events.store(deliveries + churnDone + churnFailed, std::memory_order_relaxed);
        progress.churnActive.store(m_churnActive, std::memory_order_relaxed);
    }

    bool startConnect(Conn &c)
    {
        c.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (c.fd < 0) {
            noteFailure(errno);
            c.state = State::Failed;
            return false;
        }
        const int one = 1;
        setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        const int r = ::connect(c.fd, reinterpret_cast<const sockaddr *>(&m_opt.target), sizeof m_opt.target);
        if (r != 0 && errno != EINPROGRESS) {
            noteFailure(errno);
            ::close(c.fd);
            c.fd = -1;
            c.state = State::Failed;
            return false;
        }
        if (m_opt.tls && !startTls(c))
            return false;
        epoll_event ev {};
        ev.events = EPOLLIN | EPOLLOUT;
        ev.data.ptr = &c;
        epoll_ctl(m_epoll, EPOLL_CTL_ADD, c.fd, &ev);
        c.state = State::Connecting;
        c.partial.clear();
        c.synced = false;
        c.awaitEof = false;
        ++m_inFlight;
        return true;
    }

    /** The client side of @p c's TLS, its handshake to run once connected; offers `resume` if set. */
    bool startTls(Conn &c)
    {
        c.ssl = SSL_new(m_opt.tlsContext);
        if (!c.ssl || SSL_set_fd(c.ssl, c.fd) != 1) {
            noteTlsError("SSL_new: " + takeOpenSslError());
            noteFailure(ENOMEM);
            SSL_free(c.ssl);
            c.ssl = nullptr;
            ::close(c.fd);
            c.fd = -1;
            c.state = State::Failed;
            return false;
        }
        SSL_set_connect_state(c.ssl);
        in6_addr address {};
        if (inet_pton(AF_INET, m_opt.tlsName.c_str(), &address) != 1
            && inet_pton(AF_INET6, m_opt.tlsName.c_str(), &address) != 1)
            SSL_set_tlsext_host_name(c.ssl, m_opt.tlsName.c_str());   // SNI is for names only
        if (resume)
            SSL_set_session(c.ssl, resume);
        c.watchOut = false;
        return true;
    }

    /**
     * Connects @p list, at most connectBurst at a time; false if a deadline passed first.
     * With a welcome, a connection is set up once its welcome has arrived. Without one, once
     * the server holds its descriptor (with --pid): a server that accepts slowly would
     * otherwise see its accept queue overflow, and every dropped SYN costs a second.
     */
    bool connectAll(const std::vector<Conn *> &list)
    {
        const int64_t deadline = nowNs() + int64_t(m_opt.timeoutS * double(Sec));
        const bool byFds = !m_opt.welcome && m_proc.known();
        const int burst = byFds ? std::min(m_opt.connectBurst, 8) : m_opt.connectBurst;
        // The server's descriptors now, less any it lets go meanwhile (earlier clients closing).
        int64_t base = byFds ? m_proc.fdCount() : 0;
        int64_t started = 0;
        int64_t accepted = 0;
        int64_t credit = 0;              // connections taken on trust after a stall
        int64_t lastProgressNs = nowNs();
        size_t next = 0;
        while (next < list.size() || m_inFlight > 0 || (byFds && accepted + credit < started)) {
            if (byFds) {
                const int64_t fds = m_proc.fdCount();
                base = std::min(base, fds);
                if (fds - base > accepted) {
                    accepted = fds - base;
                    lastProgressNs = nowNs();
                } else if (nowNs() - lastProgressNs > 2 * Sec) {
                    if (next == list.size())
                        break;   // the server takes no more: the caller compares what it holds
                    credit = started - accepted;
                    lastProgressNs = nowNs();
                }
            }
            while (next < list.size() && m_inFlight < burst && (!byFds || started - accepted - credit < burst)) {
                startConnect(*list[next++]);
                ++started;
                if (refused && next == 1)
                    return false;
            }
            if (nowNs() > deadline || (m_proc.known() && !m_proc.alive()))
                return false;
            step(byFds ? 2 : 10);
            if (refused && readyCount(list) == 0)
                return false;   // nobody listens there
        }
        if (!m_opt.welcome && !m_proc.known())
            pump(200 * Ms);   // nothing to show the server took them: give it a moment
        return true;
    }

    static size_t readyCount(const std::vector<Conn *> &list)
    {
        return size_t(std::count_if(list.begin(), list.end(), [](const Conn *c) { return c->state == State::Ready; }));
    }

    size_t countOpen() const
    {
        return size_t(std::count_if(m_conns.begin(), m_conns.end(), [](const auto &c) {
            return c->state == State::Ready || inFlight(c->state);
        }));
    }

    /** Closes every connection of this driver (the memory mode's leaving). */
    void closeAll()
    {
        for (auto &c : m_conns) {
            if (c->fd >= 0)
                closeConn(*c, State::Closed);
        }
    }

    /** Hands @p c over to another thread's epoll: this loop stops reading it. */
    void detach(Conn &c) { epoll_ctl(m_epoll, EPOLL_CTL_DEL, c.fd, nullptr); }

    /** Steps the loop until the server's CPU time stops moving (at most @p timeoutNs). */
    void waitQuiet(int64_t timeoutNs)
    {
        if (!m_proc.known())
            return pump(300 * Ms);
        const int64_t deadline = nowNs() + timeoutNs;
        int64_t last = m_proc.cpuUs();
        int still = 0;
        while (still < 3 && nowNs() < deadline) {
            pump(100 * Ms);
            const int64_t cpu = m_proc.cpuUs();
            still = cpu == last ? still + 1 : 0;
            last = cpu;
        }
    }

    /** RSS once it has not changed for a second (at most @p timeoutNs). */
    int64_t settledRss(int64_t timeoutNs)
    {
        const int64_t deadline = nowNs() + timeoutNs;
        int64_t last = m_proc.rssKiB();
        int still = 0;
        while (still < 5 && nowNs() < deadline) {
            pump(200 * Ms);
            const int64_t rss = m_proc.rssKiB();
            still = rss == last ? still + 1 : 0;
            last = rss;
        }
        return last;
    }

    void pump(int64_t ns)
    {
        const int64_t until = nowNs() + ns;
        for (int64_t left = ns; left > 0; left = until - nowNs())
            step(int(std::max<int64_t>(1, std::min<int64_t>(left / Ms, 50))));
    }

    /** One epoll round; then starts what refill() wants (churn). */
    void step(int timeoutMs)
    {
        epoll_event events[256];
        const int n = epoll_wait(m_epoll, events, 256, timeoutMs);
        for (int i = 0; i < n; ++i) {
            Conn &c = *static_cast<Conn *>(events[i].data.ptr);
            if (c.state == State::Closed || c.state == State::Failed || c.fd < 0)
                continue;
            if (c.state == State::Connecting) {
                if (!(events[i].events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
                    continue;
                int error = 0;
                socklen_t len = sizeof error;
                getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &error, &len);
                if (error != 0) {
                    noteFailure(error);
                    closeConn(c, State::Failed);
                    continue;
                }
                epoll_event ev {};
                ev.events = EPOLLIN;
                ev.data.ptr = &c;
                epoll_ctl(m_epoll, EPOLL_CTL_MOD, c.fd, &ev);
                if (c.ssl) {   // TLS: the handshake before anything else
                    setState(c, State::Handshaking);
                    handshake(c);
                    continue;
                }
                setState(c, m_opt.welcome ? State::Welcoming : State::Ready);
                if (c.role == Role::Churn && c.state == State::Ready) {
                    // No welcome to wait for: end our side and wait for the server to end its
                    // own, so that a cycle covers the server's accept, read and close.
                    ::shutdown(c.fd, SHUT_WR);
                    c.awaitEof = true;
                    setState(c, State::Welcoming);
                    continue;
                }
            }
            if (c.state == State::Handshaking) {
                handshake(c);
                continue;
            }
            if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
                readFrom(c);
        }
        if (m_churnActive)
            refillChurn();
    }

    /** The tls- modes: the session offered by every new connection (not owned; nullptr: a full handshake). */
    SSL_SESSION *resume = nullptr;
    uint64_t handshakes = 0;       // TLS handshakes completed ...
    uint64_t resumed = 0;          // ... of them resumed (SSL_session_reused)
    uint64_t tlsFailed = 0;        // TLS handshakes that failed

    // -- counters, read by the modes --
    Histogram latency;
    uint64_t corrupt = 0;
    uint64_t foreign = 0;
    uint64_t dropped = 0;          // connections the server closed while we held them
    uint64_t connectFailed = 0;
    int lastError = 0;
    bool refused = false;           // a connection was refused: nobody listens
    int64_t lastDeliveryNs = 0;
    uint64_t deliveries = 0;

    // -- churn --
    /** Runs @p cycles connect/close cycles, @p concurrency at once, at most @p rate a second (0: no limit). */
    void startChurn(int cycles, int concurrency, double rate = 0)
    {
        m_churnLeft = cycles;
        m_churnRate = rate;
        m_churnStarted = 0;
        m_churnStartNs = nowNs();
        m_churnActive = true;
        m_churnSlots.clear();
        for (int i = 0; i < concurrency; ++i)
            m_churnSlots.push_back(add(Role::Churn));
        refillChurn();
    }
    void stopChurn() { m_churnLeft = 0; }
    bool churnBusy() const
    {
        return std::any_of(m_churnSlots.begin(), m_churnSlots.end(), [](const Conn *c) { return inFlight(c->state); });
    }
    uint64_t churnDone = 0;
    uint64_t churnFailed = 0;
    int64_t churnLastNs = 0;

private:
    void setState(Conn &c, State s)
    {
        m_inFlight += int(inFlight(s)) - int(inFlight(c.state));
        c.state = s;
    }

    /** Steps @p c's TLS handshake; once done, on to the welcome (or ready, or a finished cycle). */
    void handshake(Conn &c)
    {
        const int r = SSL_do_handshake(c.ssl);
        if (r == 1) {
            ++handshakes;
            if (SSL_session_reused(c.ssl))
                ++resumed;
            if (c.watchOut)
                watch(c, false);
            if (!m_opt.welcome) {
                setState(c, State::Ready);
                if (c.role == Role::Churn)
                    finishCycle(c, true);
                return;
            }
            setState(c, State::Welcoming);
            readFrom(c);   // what came with the server's last handshake flight may be in OpenSSL already
            return;
        }
        const int error = SSL_get_error(c.ssl, r);
        if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
            if (c.watchOut != (error == SSL_ERROR_WANT_WRITE))
                watch(c, error == SSL_ERROR_WANT_WRITE);
            return;
        }
        const long verify = SSL_get_verify_result(c.ssl);
        std::string why = verify != X509_V_OK ? std::string("certificate: ") + X509_verify_cert_error_string(verify)
                                              : error == SSL_ERROR_SYSCALL ? "connection closed in the handshake"
                                                                           : takeOpenSslError();
        ERR_clear_error();
        noteTlsError("handshake: " + why);
        ++tlsFailed;
        noteFailure(EPROTO);
        if (c.role == Role::Churn)
            finishCycle(c, false);
        else
            closeConn(c, State::Failed);
    }

    void watch(Conn &c, bool out)
    {
        epoll_event ev {};
        ev.events = EPOLLIN | (out ? EPOLLOUT : 0u);
        ev.data.ptr = &c;
        epoll_ctl(m_epoll, EPOLL_CTL_MOD, c.fd, &ev);
        c.watchOut = out;
    }

    void closeConn(Conn &c, State s)
    {
        if (c.ssl) {
            if (SSL_is_init_finished(c.ssl))
                SSL_shutdown(c.ssl);   // one close_notify, not waited for
            ERR_clear_error();
            SSL_free(c.ssl);
            c.ssl = nullptr;
        }
        if (c.fd >= 0) {
            epoll_ctl(m_epoll, EPOLL_CTL_DEL, c.fd, nullptr);
            ::close(c.fd);
            c.fd = -1;
        }
        setState(c, s);
    }

    void noteFailure(int error)
    {
        ++connectFailed;
        lastError = error;
        if (error == ECONNREFUSED)
            refused = true;
    }

    void finishCycle(Conn &c, bool ok)
    {
        closeConn(c, ok ? State::Closed : State::Failed);
        ++(ok ? churnDone : churnFailed);
        churnLastNs = nowNs();
    }

    void refillChurn()
    {
        const int64_t now = nowNs();
        for (Conn *c : m_churnSlots) {
            if (inFlight(c->state) && now > c->deadlineNs) {
                noteFailure(ETIMEDOUT);
                finishCycle(*c, false);
            }
            if (inFlight(c->state) || m_churnLeft <= 0)
                continue;
            if (m_churnRate > 0 && double(m_churnStarted) >= double(now - m_churnStartNs) * m_churnRate / double(Sec))
                break;   // ahead of the rate
            --m_churnLeft;
            ++m_churnStarted;
            c->deadlineNs = now + 5 * Sec;
            if (!startConnect(*c)) {
                ++churnFailed;
                churnLastNs = now;
            }
        }
        if (m_churnLeft <= 0 && !churnBusy())
            m_churnActive = false;
    }

    void readFrom(Conn &c)
    {
        // A TLS read gives one record (16 KiB at most): read on to the kernel's end, within bounds.
        for (int round = 0, rounds = c.ssl ? 128 : 8; round < rounds; ++round) {
            const ssize_t n = readSome(c.fd, c.ssl, m_buffer.data(), m_buffer.size());
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
                return;
            if (n <= 0) {
                if (c.role == Role::Churn && c.awaitEof && n == 0) {
                    finishCycle(c, true);
                } else if (c.role == Role::Churn) {
                    noteFailure(n == 0 ? ECONNRESET : errno);
                    finishCycle(c, false);
                } else {
                    ++dropped;
                    closeConn(c, State::Closed);
                }
                return;
            }
            m_stepNs = nowNs();
            const char *data = m_buffer.data();
            size_t size = size_t(n);
            if (c.awaitEof)
                continue;   // nothing is expected; read on to the end
            if (c.state == State::Welcoming) {
                const char *nl = static_cast<const char *>(std::memchr(data, '\n', size));
                if (!nl)
                    return;   // the welcome goes on in the next read
                setState(c, State::Ready);
                if (c.role == Role::Churn) {
                    finishCycle(c, true);
                    return;
                }
                size -= size_t(nl + 1 - data);
                data = nl + 1;
            }
            if (c.role == Role::Receiver && m_opt.lengthFrames)
                takeFrames(c, data, size);
            else if (c.role == Role::Receiver)
                takeLines(c, data, size);
            if (!c.ssl && size_t(n) < m_buffer.size())
                return;
        }
    }

    void takeLines(Conn &c, const char *data, size_t size)
    {
        const char *p = data;
        const char *end = data + size;
        if (!c.partial.empty()) {
            const char *nl = static_cast<const char *>(std::memchr(p, '\n', size));
            if (!nl) {
                c.partial.append(p, size);
                return;
            }
            c.partial.append(p, size_t(nl - p));
            line(c, c.partial.data(), c.partial.size());
            c.partial.clear();
            p = nl + 1;
        }
        while (p < end) {
            const char *nl = static_cast<const char *>(std::memchr(p, '\n', size_t(end - p)));
            if (!nl) {
                c.partial.assign(p, size_t(end - p));
                break;
            }
            line(c, p, size_t(nl - p));
            p = nl + 1;
        }
    }

    /** --framing length:2: each frame's body is a line (a data line keeps its LF inside). */
    void takeFrames(Conn &c, const char *data, size_t size)
    {
        c.partial.append(data, size);
        size_t at = 0;
        while (c.partial.size() - at >= 2) {
            const size_t body = (size_t(uchar(c.partial[at])) << 8) | uchar(c.partial[at + 1]);
            if (c.partial.size() - at - 2 < body)
                break;
            const char *text = c.partial.data() + at + 2;
            line(c, text, body > 0 && text[body - 1] == '\n' ? body - 1 : body);
            at += 2 + body;
        }
        c.partial.erase(0, at);
    }

    void line(Conn &c, const char *text, size_t length)
    {
        if (length > 0 && text[0] == '#') {
            uint64_t seq = 0;
            int64_t sent = 0;
            if (!parseDataLine(text, length, m_opt.lineBytes - (m_opt.lengthFrames ? 2 : 0), &seq, &sent)) {
                ++corrupt;
                return;
            }
            if (c.seq.add(seq)) {
                latency.add(m_stepNs - sent);
                ++deliveries;
                lastDeliveryNs = m_stepNs;
            }
            return;
        }
        if (length >= 5 && std::memcmp(text, "~sync", 5) == 0) {
            c.synced = true;
            return;
        }
        ++foreign;
    }

    const Options &m_opt;
    ServerProc m_proc;
    int m_epoll = -1;
    int m_inFlight = 0;
    int64_t m_stepNs = 0;          // time of the read being parsed
    std::vector<char> m_buffer;
    std::vector<std::unique_ptr<Conn>> m_conns;
    std::vector<Conn *> m_receivers;
    std::vector<Conn *> m_churnSlots;
    int m_churnLeft = 0;
    bool m_churnActive = false;
    double m_churnRate = 0;
    int64_t m_churnStarted = 0;
    int64_t m_churnStartNs = 0;
};

// ---- common pieces of the modes -----------------------------------------

Result header(const Options &o)
{
    Result r;
    r.set("mode", o.mode).set("server", o.label);
    return r;
}

void fail(Result &r, const std::string &why)
{
    r.set("status", "fail");
    if (!why.empty())
        r.set("error", why);
}

std::string errorText(int error)
{
    std::string text = error ? std::strerror(error) : "unknown";
    std::replace(text.begin(), text.end(), ' ', '_');
    return text;
}

bool unreachable(Driver &d, Result &r)
{
    if (!d.refused)
        return false;
    fail(r, "unreachable:" + errorText(ECONNREFUSED));
    return true;
}

/**
 * Connects a run's first connection @p c; false, with the reason in @p r,
 * if it is not ready. @p sender: it is the run's sender (the reasons say so).
 */
bool firstReady(Driver &d, Conn *c, const Options &o, Result &r, bool sender)
{
    if (d.connectAll({ c }) && c->state == State::Ready)
        return true;
    if (!unreachable(d, r))
        fail(r, d.tlsFailed ? std::string("tls_handshake_failed")
                : o.welcome ? std::string(sender ? "no_welcome_on_sender" : "no_welcome") + "(try_--no-welcome)"
                            : std::string(sender ? "sender_connect:" : "connect:") + errorText(d.lastError));
    return false;
}

/** CPU time of the server over a measurement, from both sources. */
struct CpuSpan {
    int64_t statUs = -1;     // utime + stime, /proc/PID/stat, clock ticks
    double clockUs = -1;     // the process CPU-time clock, nanoseconds
};

CpuSpan cpuNow(const ServerProc &proc)
{
    return { proc.cpuUs(), proc.cpuClockUs() };
}

/**
 * cpu_us and cpu_us_per_UNIT from /proc/PID/stat (utime+stime, in clock ticks: 10 ms steps);
 * cpu_clock_us and cpu_clock_us_per_UNIT, the same time from the process's CPU clock, exact
 * to the microsecond: what a short or cheap run needs.
 */
void setCpu(Result &r, const CpuSpan &from, const CpuSpan &to, double perCount, const std::string &unit)
{
    if (from.statUs < 0 || to.statUs < 0) {
        r.set("cpu_us", "na").set("cpu_us_per_" + unit, "na");
    } else {
        r.set("cpu_us", to.statUs - from.statUs);
        r.setReal("cpu_us_per_" + unit, perCount > 0 ? double(to.statUs - from.statUs) / perCount : NAN, 4);
    }
    if (from.clockUs < 0 || to.clockUs < 0) {
        r.set("cpu_clock_us", "na").set("cpu_clock_us_per_" + unit, "na");
    } else {
        r.setReal("cpu_clock_us", to.clockUs - from.clockUs, 0);
        r.setReal("cpu_clock_us_per_" + unit, perCount > 0 ? (to.clockUs - from.clockUs) / perCount : NAN, 4);
    }
}

void setLatency(Result &r, const Histogram &h)
{
    r.setReal("p50_ms", double(h.quantile(0.50)) / 1e6, 3);
    r.setReal("p90_ms", double(h.quantile(0.90)) / 1e6, 3);
    r.setReal("p99_ms", double(h.quantile(0.99)) / 1e6, 3);
    r.setReal("max_ms", double(h.max()) / 1e6, 3);
}

/**
 * Receiving drivers, each on a thread of its own while measuring, so that reading and
 * checking the lines is never what limits a fast server. Before and after a measurement
 * they are stepped from the main thread.
 */
class Pool
{
public:
    Pool(const Options &o, int count) : m_lengthFrames(o.lengthFrames)
    {
        for (int i = 0; i < std::max(1, count); ++i)
            m_drivers.push_back(std::make_unique<Driver>(o));
    }
    ~Pool() { stop(); }

    Driver &at(size_t i) { return *m_drivers[i % m_drivers.size()]; }
    size_t size() const { return m_drivers.size(); }
    bool lengthFrames() const { return m_lengthFrames; }

    void start()
    {
        m_stop.store(false);
        for (auto &d : m_drivers)
            m_threads.emplace_back([&d, this] { d->run(m_stop); });
    }
    void stop()
    {
        m_stop.store(true);
        for (auto &t : m_threads)
            t.join();
        m_threads.clear();
    }
    /** Steps every driver once, from the calling thread (only while not started). */
    void stepAll(int timeoutMs)
    {
        for (auto &d : m_drivers)
            d->step(timeoutMs);
    }
    uint64_t minUnique() const
    {
        uint64_t least = std::numeric_limits<uint64_t>::max();
        for (const auto &d : m_drivers)
            least = std::min(least, d->progress.minUnique.load(std::memory_order_relaxed));
        return least;
    }
    uint64_t events() const
    {
        uint64_t sum = 0;
        for (const auto &d : m_drivers)
            sum += d->progress.events.load(std::memory_order_relaxed);
        return sum;
    }
    bool churnActive() const
    {
        return std::any_of(m_drivers.begin(), m_drivers.end(),
                           [](const auto &d) { return d->progress.churnActive.load(std::memory_order_relaxed); });
    }
    std::vector<Conn *> receivers() const
    {
        std::vector<Conn *> all;
        for (const auto &d : m_drivers)
            all.insert(all.end(), d->receivers().begin(), d->receivers().end());
        return all;
    }
    // Totals; read them after stop().
    Histogram latency() const
    {
        Histogram h;
        for (const auto &d : m_drivers)
            h.merge(d->latency);
        return h;
    }
    template<typename F>
    auto sum(F field) const
    {
        decltype(field(*m_drivers.front())) total {};
        for (const auto &d : m_drivers)
            total += field(*d);
        return total;
    }
    template<typename F>
    auto max(F field) const
    {
        auto best = field(*m_drivers.front());
        for (const auto &d : m_drivers)
            best = std::max(best, field(*d));
        return best;
    }
    int lastError() const
    {
        for (const auto &d : m_drivers) {
            if (d->lastError)
                return d->lastError;
        }
        return 0;
    }

private:
    std::vector<std::unique_ptr<Driver>> m_drivers;
    std::vector<std::thread> m_threads;
    bool m_lengthFrames;
    std::atomic<bool> m_stop { false };
};

/** Sends "~sync K" lines on the sender until every receiver has seen one (at most 10 s). */
bool syncReceivers(Driver &main, Conn &sender, Pool &pool)
{
    const std::vector<Conn *> receivers = pool.receivers();
    const int64_t deadline = nowNs() + 10 * Sec;
    int64_t lastSend = 0;
    for (int k = 0; nowNs() < deadline;) {
        const bool all = std::all_of(receivers.begin(), receivers.end(), [](const Conn *c) {
            return c->synced || c->state != State::Ready;
        });
        if (all)
            return true;
        if (nowNs() - lastSend > 20 * Ms) {
            const std::string line = "~sync " + std::to_string(k++);
            const std::string text = pool.lengthFrames() ? lengthFrame(line) : line + "\n";
            [[maybe_unused]] const ssize_t n = writeSome(sender.fd, sender.ssl, text.data(), text.size());
            lastSend = nowNs();
        }
        main.step(0);
        pool.stepAll(1);
    }
    return false;
}

/** Opens one sending client on @p main and @p count receivers spread over @p pool, and syncs them. */
Conn *openSenderAndReceivers(Driver &main, Pool &pool, const Options &o, int count, Result &r)
{
    Conn *sender = main.add(Role::Sender);
    if (!firstReady(main, sender, o, r, true))
        return nullptr;
    std::vector<std::vector<Conn *>> lists(pool.size());
    for (int i = 0; i < count; ++i)
        lists[size_t(i) % pool.size()].push_back(pool.at(size_t(i)).add(Role::Receiver));
    size_t ready = 0;
    bool connected = true;
    for (size_t i = 0; i < pool.size(); ++i) {
        connected = pool.at(i).connectAll(lists[i]) && connected;
        ready += Driver::readyCount(lists[i]);
    }
    if (!connected || ready != size_t(count)) {
        fail(r, "receivers_connected:" + std::to_string(ready) + "/" + std::to_string(count) + ":"
                        + errorText(pool.lastError()));
        return nullptr;
    }
    if (!syncReceivers(main, *sender, pool)) {
        fail(r, "no_relay(sync_lines_never_arrived)");
        return nullptr;
    }
    for (int i = 0; i < 10; ++i)   // let the last sync lines in
        pool.stepAll(5);
    main.detach(*sender);
    return sender;
}

/** Checks what the receivers got against what was sent; fills loss and order keys. */
bool deliveryVerdict(const Pool &pool, uint64_t sent, Result &r)
{
    uint64_t delivered = 0;
    uint64_t dups = 0;
    uint64_t reordered = 0;
    const std::vector<Conn *> receivers = pool.receivers();
    for (const Conn *c : receivers) {
        delivered += std::min(c->seq.unique(), sent);
        dups += c->seq.duplicates();
        reordered += c->seq.reordered();
    }
    const uint64_t corrupt = pool.sum([](const Driver &d) { return d.corrupt; });
    const uint64_t dropped = pool.sum([](const Driver &d) { return d.dropped; });
    const uint64_t foreign = pool.sum([](const Driver &d) { return d.foreign; });
    const uint64_t expected = sent * receivers.size();
    r.set("expected", expected)
            .set("delivered", delivered)
            .set("lost", expected - delivered)
            .set("duplicated", dups)
            .set("reordered", reordered)
            .set("corrupt", corrupt)
            .set("dropped", dropped)
            .set("foreign", foreign);   // other lines, not ours: informational
    return expected == delivered && dups == 0 && reordered == 0 && corrupt == 0 && dropped == 0;
}

/**
 * While the pool runs: steps @p main (churn, if any) until the sender is done and every open
 * receiver has all it sent, or nothing arrives for drainS, or @p deadline; @p tick runs each round.
 */
template<typename Tick>
void waitDelivered(Driver &main, const Pool &pool, const Options &o, const SendState &state, int64_t deadline, Tick tick)
{
    int64_t lastProgressNs = nowNs();
    uint64_t lastEvents = 0;
    while (nowNs() < deadline) {
        main.step(5);
        tick();
        const uint64_t events = pool.events();
        if (events != lastEvents) {
            lastEvents = events;
            lastProgressNs = nowNs();
        }
        if (!state.done.load())
            continue;
        if (pool.minUnique() >= state.sent.load()
            || nowNs() - std::max(lastProgressNs, state.endNs) > int64_t(o.drainS * double(Sec)))
            return;
    }
}

// ---- modes --------------------------------------------------------------

int runIngest(const Options &o, std::vector<Result> &results)
{
    Driver d(o);
    Result base = header(o);
    Conn *sender = d.add(Role::Sender);
    if (!firstReady(d, sender, o, base, true)) {
        results.push_back(base);
        return 1;
    }
    d.detach(*sender);
    const double rate = o.rates.empty() ? 1500 : o.rates.front();
    const double duration = o.durationS < 0 ? 10 : o.durationS;
    std::vector<int> steps = o.idle;
    std::sort(steps.begin(), steps.end());
    std::vector<Conn *> idle;
    int status = 0;
    for (int n : steps) {
        Result r = header(o);
        std::vector<Conn *> more;
        while (int(idle.size()) < n) {
            idle.push_back(d.add(Role::Idle));
            more.push_back(idle.back());
        }
        const bool connected = d.connectAll(more);
        const size_t open = Driver::readyCount(idle);
        r.set("idle", n).set("idle_open", uint64_t(open));
        if (!connected || open != idle.size()) {
            fail(r, "idle_connected:" + std::to_string(open) + "/" + std::to_string(n) + ":" + errorText(d.lastError));
            results.push_back(r);
            return 1;
        }
        d.waitQuiet(3 * Sec);

        SendPlan plan;
        plan.rate = rate;
        plan.durationNs = int64_t(duration * double(Sec));
        plan.lineBytes = o.lineBytes;
        SendState state;
        const CpuSpan cpu0 = cpuNow(d.proc());
        std::thread thread(runSender, sender->fd, sender->ssl, plan, &state);
        while (!state.done.load())
            d.step(10);
        thread.join();
        d.pump(200 * Ms);   // the last lines reach the server
        const CpuSpan cpu1 = cpuNow(d.proc());
        const uint64_t sent = state.sent.load();
        const double elapsed = double(state.endNs - state.startNs) / double(Sec);
        r.setReal("rate", rate, 0).setReal("duration_s", duration, 1).set("sent", sent)
                .setReal("sent_per_s", elapsed > 0 ? double(sent) / elapsed : 0, 0)
                .setReal("sender_late_ms", double(state.lateNs) / 1e6, 1);
        setCpu(r, cpu0, cpu1, double(sent), "msg");
        r.set("idle_dropped", d.dropped);
        if (!state.error.empty())
            fail(r, "sender:" + state.error);
        else if (d.dropped)
            fail(r, "idle_clients_dropped");
        else
            r.set("status", "ok");
        results.push_back(r);
        if (!r.ok()) {
            status = 1;
            break;
        }
    }
    return status;
}

/**
 * Sends @p count data lines from @p sender, one at a time: each once every open receiver has the
 * one before. False if a line did not reach them all within the timeout; @p slowestNs is the
 * longest a line took to reach the last receiver.
 */
bool broadcastOneByOne(Driver &d, Conn &sender, const std::vector<Conn *> &receivers, const Options &o, int count,
                       int64_t *slowestNs, std::string *why)
{
    std::vector<char> text(o.lineBytes);
    for (int k = 0; k < count; ++k) {
        const int64_t sentAt = nowNs();
        formatDataLine(text.data(), text.size(), uint64_t(k), sentAt);
        size_t done = 0;
        while (done < text.size()) {   // one short line into an empty socket buffer: one send() in practice
            const ssize_t n = writeSome(sender.fd, sender.ssl, text.data() + done, text.size() - done);
            if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
                d.step(1);
                continue;
            }
            if (n <= 0) {
                *why = "sender:" + errorText(n < 0 ? errno : EPIPE);
                return false;
            }
            done += size_t(n);
        }
        const int64_t deadline = sentAt + int64_t(o.timeoutS * double(Sec));
        const auto behind = [&] {
            return size_t(std::count_if(receivers.begin(), receivers.end(), [k](const Conn *c) {
                return c->state == State::Ready && c->seq.unique() < uint64_t(k) + 1;
            }));
        };
        size_t left = behind();
        while (left > 0 && nowNs() < deadline && d.dropped == 0) {
            d.step(10);
            left = behind();
        }
        *slowestNs = std::max(*slowestNs, nowNs() - sentAt);
        if (left > 0 || d.dropped) {
            *why = "broadcast_" + std::to_string(k) + "_missing_at:" + std::to_string(left) + "/"
                    + std::to_string(receivers.size());
            return false;
        }
    }
    return true;
}

/**
 * The server's RSS with --clients receivers connected (and one sender): idle, then after
 * --broadcasts lines each one reached every receiver, then after every client left.
 * Per client: the growth over the RSS before anyone connected, divided by --clients.
 */
int runMemory(const Options &o, std::vector<Result> &results)
{
    Driver d(o);
    Result r = header(o);
    const int count = o.clients < 0 ? 1000 : o.clients;
    if (!d.proc().known()) {
        fail(r, "memory_needs_--pid");
        results.push_back(r);
        return 1;
    }
    const int64_t fds0 = d.proc().fdCount();
    const int64_t rss0 = d.settledRss(10 * Sec);
    Conn *sender = d.add(Role::Sender);
    std::vector<Conn *> receivers;
    for (int i = 0; i < count; ++i)
        receivers.push_back(d.add(Role::Receiver));
    std::vector<Conn *> all { sender };
    all.insert(all.end(), receivers.begin(), receivers.end());
    const int64_t t0 = nowNs();
    const bool connected = d.connectAll(all);
    const double connectS = double(nowNs() - t0) / double(Sec);
    const int64_t rssIdle = d.settledRss(10 * Sec);
    const int64_t fds1 = d.proc().fdCount();
    // Held: open on our side and, where /proc tells, as descriptors in the server (the sender's too).
    size_t held = Driver::readyCount(receivers);
    if (fds0 >= 0 && fds1 >= 0)
        held = std::min(held, size_t(std::max<int64_t>(0, fds1 - fds0 - 1)));
    const auto perClient = [&](int64_t rss) { return held ? double(rss - rss0) * 1024.0 / double(held) : NAN; };
    r.set("clients", count).set("held", uint64_t(held)).setReal("connect_s", connectS, 2)
            .set("rss_before_kib", rss0).set("rss_idle_kib", rssIdle)
            .setReal("bytes_per_client_idle", perClient(rssIdle), 0);
    bool ok = connected && held == size_t(count) && sender->state == State::Ready && d.dropped == 0;
    if (!ok && d.refused && held == 0) {
        unreachable(d, r);
        results.push_back(r);
        return 1;
    }
    std::string why = ok ? "" : "held_only:" + std::to_string(held) + ":" + errorText(d.lastError);
    if (ok && o.broadcasts > 0) {
        int64_t slowestNs = 0;
        ok = broadcastOneByOne(d, *sender, receivers, o, o.broadcasts, &slowestNs, &why);
        // Every receiver: every line once, in order, nothing else of ours.
        size_t complete = 0;
        for (const Conn *c : receivers) {
            if (c->seq.unique() == uint64_t(o.broadcasts) && c->seq.duplicates() == 0 && c->seq.reordered() == 0)
                ++complete;
        }
        if (ok && (complete != receivers.size() || d.corrupt)) {
            ok = false;
            why = "broadcasts_complete:" + std::to_string(complete) + "/" + std::to_string(receivers.size());
        }
        const int64_t rssTraffic = d.settledRss(10 * Sec);
        r.set("broadcasts", o.broadcasts).set("received_all", uint64_t(complete)).set("corrupt", d.corrupt)
                .setReal("slowest_broadcast_ms", double(slowestNs) / 1e6, 1)
                .set("rss_after_traffic_kib", rssTraffic).setReal("bytes_per_client", perClient(rssTraffic), 0);
    } else {
        r.set("broadcasts", 0);
    }
    const uint64_t dropped = d.dropped;
    // Everybody leaves; the server has let go once its descriptors are back to its own: those it
    // had before, or while connected less one a client if it opened some more of its own at the
    // first connection (Twisted does).
    const int64_t ownFds = fds0 >= 0 && fds1 >= 0 ? std::max(fds0, fds1 - int64_t(held) - 1) : -1;
    d.closeAll();
    const int64_t leaveDeadline = nowNs() + int64_t(o.timeoutS * double(Sec));
    while (ownFds >= 0 && d.proc().fdCount() > ownFds && nowNs() < leaveDeadline)
        d.pump(50 * Ms);
    const int64_t fds2 = d.proc().fdCount();
    const int64_t rssLeft = d.settledRss(10 * Sec);
    r.set("rss_after_leave_kib", rssLeft).set("kept_kib", rssLeft - rss0)
            .set("server_fds_before", fds0).set("server_fds_connected", fds1).set("server_fds_after_leave", fds2)
            .set("dropped", dropped);
    if (ok && dropped) {
        ok = false;
        why = "connections_dropped";
    }
    if (ok && ownFds >= 0 && fds2 > ownFds) {
        ok = false;
        why = "descriptors_kept_after_leave:" + std::to_string(fds2 - ownFds);
    }
    if (ok)
        r.set("status", "ok");
    else
        fail(r, why);
    results.push_back(r);
    return ok ? 0 : 1;
}

int runFanout(const Options &o, std::vector<Result> &results)
{
    std::vector<double> rates = o.rates.empty() ? std::vector<double> { 0 } : o.rates;
    int status = 0;
    for (double rate : rates) {
        Driver d(o);   // a fresh set of connections for each pass
        // With --receivers-port the receivers are the clients of another server, bridged
        // to the sender's (NATS): what crosses the bridge is what is measured.
        Options receiving = o;
        if (o.receiversPort)
            receiving.target.sin_port = htons(uint16_t(o.receiversPort));
        Pool pool(receiving, o.threads);
        Result r = header(o);
        r.set("receivers", o.receivers).set("lines", o.lines).set("line_bytes", uint64_t(o.lineBytes))
                .set("pace", rate > 0 ? fixed(rate, 0) + "/s" : std::string("saturated"));
        if (o.receiversPort)
            r.set("receivers_port", uint64_t(o.receiversPort));
        Conn *sender = openSenderAndReceivers(d, pool, o, o.receivers, r);
        if (!sender) {
            results.push_back(r);
            return 1;
        }
        d.waitQuiet(2 * Sec);

        SendPlan plan;
        plan.totalLines = o.lines;
        plan.rate = rate;
        plan.lineBytes = o.lineBytes;
        plan.lengthFrames = o.lengthFrames;
        SendState state;
        for (size_t i = 0; i < pool.size(); ++i)
            pool.at(i).latency = Histogram();
        pool.start();
        const CpuSpan cpu0 = cpuNow(d.proc());
        std::thread thread(runSender, sender->fd, sender->ssl, plan, &state);
        const double planned = rate > 0 ? double(o.lines) / rate : 0;
        waitDelivered(d, pool, o, state, nowNs() + int64_t((o.timeoutS + planned) * double(Sec)), [] {});
        const CpuSpan cpu1 = cpuNow(d.proc());
        state.stop.store(true);
        thread.join();
        pool.stop();
        const uint64_t sent = state.sent.load();
        const bool ok = deliveryVerdict(pool, sent, r);
        const uint64_t deliveries = pool.sum([](const Driver &x) { return x.deliveries; });
        const int64_t endNs = std::max(pool.max([](const Driver &x) { return x.lastDeliveryNs; }), state.endNs);
        const double elapsed = double(endNs - state.startNs) / double(Sec);
        r.set("sent", sent).setReal("elapsed_s", elapsed, 3)
                .setReal("delivered_per_s", elapsed > 0 ? double(deliveries) / elapsed : 0, 0);
        setCpu(r, cpu0, cpu1, double(deliveries), "delivery");
        setLatency(r, pool.latency());
        r.set("echoed", state.echoed);
        if (!state.error.empty())
            fail(r, "sender:" + state.error);
        else if (!ok || state.echoed)
            fail(r, "");
        else
            r.set("status", "ok");
        if (!r.ok())
            status = 1;
        results.push_back(r);
    }
    return status;
}

/** What one pass of connect/close cycles gave (the churn and tls-handshake modes). */
struct ChurnPass {
    uint64_t done = 0;
    uint64_t failed = 0;
    uint64_t resumed = 0;       // TLS: cycles whose handshake was resumed
    double elapsedS = 0;
    size_t threads = 0;
    int lastError = 0;
    CpuSpan cpu0;
    CpuSpan cpu1;
};

/**
 * A churn pass's figures in @p r, per @p unit ("cycle", "handshake"), and its status: true if
 * every one of --cycles was done.
 */
bool setPass(Result &r, const ChurnPass &pass, const Options &o, const std::string &unit)
{
    r.set("threads", uint64_t(pass.threads)).set("done", pass.done).set("failed", pass.failed)
            .setReal("elapsed_s", pass.elapsedS, 3)
            .setReal(unit + "s_per_s", pass.elapsedS > 0 ? double(pass.done) / pass.elapsedS : 0, 0);
    setCpu(r, pass.cpu0, pass.cpu1, double(pass.done), unit);
    const bool ok = pass.failed == 0 && pass.done == uint64_t(o.cycles);
    if (ok)
        r.set("status", "ok");
    else
        fail(r, pass.failed ? unit + "s_failed:" + errorText(pass.lastError) : unit + "s_unfinished");
    return ok;
}

/**
 * Runs --cycles cycles, @p concurrency at once, shared out over the pool's threads (the
 * concurrency too); a TLS connection offers @p resume if set. Counts the server's CPU until it
 * has let the last cycles' descriptors go.
 */
ChurnPass churnPass(Driver &d, const Options &o, int concurrency, SSL_SESSION *resume = nullptr)
{
    Pool pool(o, std::min(o.threads, concurrency));
    for (size_t i = 0; i < pool.size(); ++i)
        pool.at(i).resume = resume;
    const int64_t fdBase = d.proc().fdCount();
    ChurnPass pass;
    pass.cpu0 = cpuNow(d.proc());
    const int64_t t0 = nowNs();
    const int parts = int(pool.size());
    for (int i = 0; i < parts; ++i)
        pool.at(size_t(i)).startChurn(o.cycles / parts + (i < o.cycles % parts ? 1 : 0),
                                      concurrency / parts + (i < concurrency % parts ? 1 : 0));
    for (size_t i = 0; i < pool.size(); ++i)
        pool.at(i).publish();
    pool.start();
    const int64_t deadline = t0 + int64_t(o.timeoutS * double(Sec)) + int64_t(o.cycles) * Ms;
    while (pool.churnActive() && nowNs() < deadline)
        d.step(5);
    pool.stop();
    pass.done = pool.sum([](const Driver &x) { return x.churnDone; });
    pass.failed = pool.sum([](const Driver &x) { return x.churnFailed; });
    pass.resumed = pool.sum([](const Driver &x) { return x.resumed; });
    pass.elapsedS = double(pool.max([](const Driver &x) { return x.churnLastNs; }) - t0) / double(Sec);
    // The server's share of the last closes: wait until it has let their descriptors go.
    if (fdBase >= 0) {
        const int64_t until = nowNs() + 5 * Sec;
        while (d.proc().fdCount() > fdBase && nowNs() < until)
            d.step(10);
    }
    pass.cpu1 = cpuNow(d.proc());
    pass.threads = pool.size();
    pass.lastError = pool.lastError();
    return pass;
}

int runChurn(const Options &o, std::vector<Result> &results)
{
    Driver d(o);
    Result r = header(o);
    const int concurrency = o.concurrency < 0 ? 50 : o.concurrency;
    r.set("cycles", o.cycles).set("concurrency", concurrency);
    // One connection first, held open and untimed: is anybody there?
    Conn *probe = d.add(Role::Idle);
    if (!firstReady(d, probe, o, r, false)) {
        results.push_back(r);
        return 1;
    }
    d.waitQuiet(2 * Sec);
    const bool ok = setPass(r, churnPass(d, o, concurrency), o, "cycle");
    results.push_back(r);
    return ok ? 0 : 1;
}

/**
 * tls-handshake: --cycles of connect, TLS handshake, welcome and close, --concurrency at once,
 * twice: full handshakes, then resumed ones, every connection offering the session (its
 * ticket) of one first connection. A server that does not resume shows resumed=0.
 */
int runHandshake(const Options &o, std::vector<Result> &results)
{
    Driver d(o);
    const int concurrency = o.concurrency < 0 ? 50 : o.concurrency;
    Conn *probe = d.add(Role::Idle);
    if (Result r = header(o); !firstReady(d, probe, o, r, false)) {
        results.push_back(r);
        return 1;
    }
    // A TLS 1.3 server sends its tickets after the handshake: they have come with the welcome, or soon.
    const auto resumable = [probe] {
        const SSL_SESSION *session = SSL_get0_session(probe->ssl);
        return session && SSL_SESSION_is_resumable(session);
    };
    for (int i = 0; i < 20 && !resumable(); ++i)
        d.pump(25 * Ms);
    SSL_SESSION *session = SSL_get1_session(probe->ssl);
    const bool offered = resumable();
    const std::string version = SSL_get_version(probe->ssl);
    const std::string cipher = SSL_get_cipher_name(probe->ssl);
    d.waitQuiet(2 * Sec);
    int status = 0;
    for (const bool resuming : { false, true }) {
        Result r = header(o);
        r.set("pass", resuming ? "resumed" : "full").set("cycles", o.cycles).set("concurrency", concurrency)
                .set("tls_version", version).set("cipher", cipher)
                .set("session_offered", uint64_t(resuming && offered));
        const ChurnPass pass = churnPass(d, o, concurrency, resuming && offered ? session : nullptr);
        r.set("resumed", pass.resumed);
        const bool ok = setPass(r, pass, o, "handshake");
        results.push_back(r);
        if (!ok)
            status = 1;
    }
    SSL_SESSION_free(session);
    return status;
}

/**
 * tls-memory --silent: --clients TCP connections that never send a byte (no ClientHello). The
 * server's RSS per connection while it holds them, then, once it has dropped them all (at its
 * handshake deadline; within --silent-wait s), the RSS against the start.
 */
int runSilent(const Options &o, std::vector<Result> &results)
{
    Options plain = o;   // no TLS and nothing to wait for: the server is seen to hold them by its descriptors
    plain.tls = false;
    plain.welcome = false;
    Driver d(plain);
    Result r = header(o);
    const int count = o.clients < 0 ? 5000 : o.clients;
    r.set("silent", 1).set("clients", count);
    if (!d.proc().known()) {
        fail(r, "memory_needs_--pid");
        results.push_back(r);
        return 1;
    }
    const int64_t fds0 = d.proc().fdCount();
    const int64_t rss0 = d.settledRss(10 * Sec);
    std::vector<Conn *> conns;
    for (int i = 0; i < count; ++i)
        conns.push_back(d.add(Role::Idle));
    const int64_t t0 = nowNs();
    const bool connected = d.connectAll(conns);
    const int64_t connectedNs = nowNs();
    // Measured before the first are dropped: a server with a 10 s deadline starts dropping 10 s after t0.
    const int64_t rssHeld = d.settledRss(std::max<int64_t>(Sec, t0 + 8 * Sec - nowNs()));
    const int64_t fds1 = d.proc().fdCount();
    const uint64_t droppedEarly = d.dropped;
    size_t held = Driver::readyCount(conns);
    if (fds0 >= 0 && fds1 >= 0)
        held = std::min(held, size_t(std::max<int64_t>(0, fds1 - fds0)));
    r.set("held", uint64_t(held)).setReal("connect_s", double(connectedNs - t0) / double(Sec), 2)
            .set("rss_before_kib", rss0).set("rss_held_kib", rssHeld).set("dropped_before_measure", droppedEarly)
            .setReal("bytes_per_connection", held ? double(rssHeld - rss0) * 1024.0 / double(held) : NAN, 0);
    if (!connected && d.refused && held == 0) {
        unreachable(d, r);
        results.push_back(r);
        return 1;
    }
    // Now the server's deadline: every connection it held should see its end.
    const int64_t waitUntil = t0 + int64_t(o.silentWaitS * double(Sec));
    int64_t firstDropNs = 0;
    while (d.dropped < uint64_t(count) && nowNs() < waitUntil && d.countOpen() > 0) {
        d.pump(50 * Ms);
        if (d.dropped && !firstDropNs)
            firstDropNs = nowNs();
    }
    const int64_t lastDropNs = nowNs();
    const uint64_t dropped = d.dropped;
    const int64_t fds2 = d.proc().fdCount();
    const int64_t rssDropped = d.settledRss(10 * Sec);
    r.set("dropped", dropped)
            .setReal("first_drop_s", firstDropNs ? double(firstDropNs - t0) / double(Sec) : NAN, 1)
            .setReal("last_drop_s", dropped ? double(lastDropNs - t0) / double(Sec) : NAN, 1)
            .set("rss_after_drop_kib", rssDropped).set("kept_kib", rssDropped - rss0)
            .set("server_fds_before", fds0).set("server_fds_held", fds1).set("server_fds_after_drop", fds2);
    d.closeAll();
    if (!connected || held != size_t(count))
        fail(r, "held_only:" + std::to_string(held) + ":" + errorText(d.lastError));
    else if (dropped != uint64_t(count))
        fail(r, "not_dropped_within_" + fixed(o.silentWaitS, 0) + "s:" + std::to_string(uint64_t(count) - dropped));
    else if (fds0 >= 0 && fds2 > fds0)
        fail(r, "descriptors_kept_after_drop:" + std::to_string(fds2 - fds0));
    else
        r.set("status", "ok");
    results.push_back(r);
    return r.ok() ? 0 : 1;
}

/**
 * The soak's RSS over time from @p samples (ns since the start, KiB): rss_settle_kib, the first
 * sample at @p settleNs (the end of the first minute, or of the first tenth of a shorter run);
 * rss_max_after_settle_kib, the highest after it; rss_max_kib overall; rss_series_kib, the first
 * sample at each multiple of @p settleNs, then the last.
 */
void setRssSeries(Result &r, const std::vector<std::pair<int64_t, int64_t>> &samples, int64_t settleNs)
{
    settleNs = std::max<int64_t>(settleNs, Sec);
    int64_t settle = -1;
    int64_t maxAfter = -1;
    int64_t maxAll = -1;
    std::string series;
    int64_t nextMark = settleNs;
    bool lastInSeries = false;
    for (const auto &[at, kib] : samples) {
        maxAll = std::max(maxAll, kib);
        if (settle >= 0)
            maxAfter = std::max(maxAfter, kib);
        else if (at >= settleNs)
            settle = kib;
        lastInSeries = at >= nextMark;
        if (lastInSeries) {
            series += (series.empty() ? "" : ",") + std::to_string(kib);
            while (nextMark <= at)
                nextMark += settleNs;
        }
    }
    if (!samples.empty() && !lastInSeries)
        series += (series.empty() ? "" : ",") + std::to_string(samples.back().second);
    if (settle < 0 && !samples.empty())   // a run shorter than its settling time: its end
        settle = samples.back().second;
    r.setReal("settle_s", double(settleNs) / double(Sec), 1).set("rss_settle_kib", settle)
            .set("rss_max_after_settle_kib", std::max(maxAfter, settle)).set("rss_max_kib", maxAll)
            .set("rss_samples", uint64_t(samples.size())).set("rss_series_kib", series);
}

int runSoak(const Options &o, std::vector<Result> &results)
{
    Driver d(o);
    Pool pool(o, o.threads);
    Result r = header(o);
    const int count = o.clients < 0 ? 50 : o.clients;
    const double duration = o.durationS < 0 ? 60 : o.durationS;
    const double rate = o.rates.empty() ? 200 : o.rates.front();
    const int concurrency = o.concurrency < 0 ? 4 : o.concurrency;
    r.set("clients", count).setReal("duration_s", duration, 0).setReal("rate", rate, 0)
            .set("flood_lines", o.floodLines).setReal("flood_every_s", o.floodEveryS, 1).set("churn_concurrency", concurrency)
            .setReal("churn_rate", o.churnRate, 0);
    Conn *sender = openSenderAndReceivers(d, pool, o, count, r);
    if (!sender) {
        results.push_back(r);
        return 1;
    }
    const int64_t rss0 = d.proc().rssKiB();
    const CpuSpan cpu0 = cpuNow(d.proc());

    SendPlan plan;
    plan.rate = rate;
    plan.durationNs = int64_t(duration * double(Sec));
    plan.floodEveryNs = int64_t(o.floodEveryS * double(Sec));
    plan.floodLines = o.floodLines;
    plan.lineBytes = o.lineBytes;
    SendState state;
    pool.start();
    std::thread thread(runSender, sender->fd, sender->ssl, plan, &state);
    // The churn runs on this thread, beside the sampling; the receivers on the pool's.
    d.startChurn(std::numeric_limits<int>::max(), concurrency, o.churnRate);
    // RSS once a second from the start, so that the table can tell growth from a plateau.
    const int64_t t0 = nowNs();
    std::vector<std::pair<int64_t, int64_t>> samples { { 0, rss0 } };   // (ns since t0, KiB)
    int64_t nextSample = t0 + Sec;
    const auto sample = [&] {
        const int64_t now = nowNs();
        if (now >= nextSample) {
            samples.emplace_back(now - t0, d.proc().rssKiB());
            nextSample += Sec;
        }
    };
    while (!state.done.load()) {
        d.step(10);
        sample();
    }
    d.stopChurn();
    waitDelivered(d, pool, o, state, nowNs() + int64_t(o.timeoutS * double(Sec)), sample);
    thread.join();
    pool.stop();
    const int64_t until = nowNs() + 10 * Sec;
    while (d.churnBusy() && nowNs() < until)
        d.step(10);
    pool.stepAll(0);
    d.pump(200 * Ms);
    samples.emplace_back(nowNs() - t0, d.proc().rssKiB());
    const int64_t rss1 = samples.back().second;
    const CpuSpan cpu1 = cpuNow(d.proc());
    const uint64_t sent = state.sent.load();
    const bool ok = deliveryVerdict(pool, sent, r);
    const uint64_t deliveries = pool.sum([](const Driver &x) { return x.deliveries; });
    r.set("sent", sent).set("churn_cycles", d.churnDone).set("churn_failed", d.churnFailed)
            .set("rss_start_kib", rss0).set("rss_end_kib", rss1);
    setRssSeries(r, samples, std::min<int64_t>(60 * Sec, int64_t(duration * double(Sec) / 10)));
    setCpu(r, cpu0, cpu1, double(deliveries), "delivery");
    setLatency(r, pool.latency());
    r.set("echoed", state.echoed);
    if (!state.error.empty())
        fail(r, "sender:" + state.error);
    else if (!ok || state.echoed || d.churnFailed)
        fail(r, d.churnFailed ? "churn_failed:" + errorText(d.lastError) : "");
    else
        r.set("status", "ok");
    results.push_back(r);
    return r.ok() ? 0 : 1;
}

// ---- command line -------------------------------------------------------

void printError(const std::string &message)
{
    std::fprintf(stderr, "spread-bench: %s\n", message.c_str());
}

template<typename T>
bool number(const QCommandLineParser &p, const QString &name, T min, T max, T *out)
{
    if (!p.isSet(name))
        return true;
    bool ok = false;
    const QString text = p.value(name);
    double v = 0;
    if constexpr (std::is_floating_point_v<T>)
        v = text.toDouble(&ok);
    else
        v = double(text.toLongLong(&ok));
    if (!ok || v < double(min) || v > double(max)) {
        printError("bad value for --" + name.toStdString() + ": '" + text.toStdString() + "' (" + std::to_string(min)
                   + " to " + std::to_string(max) + ")");
        return false;
    }
    *out = T(v);
    return true;
}

template<typename T>
bool numberList(const QCommandLineParser &p, const QString &name, T min, T max, std::vector<T> *out)
{
    if (!p.isSet(name))
        return true;
    out->clear();
    for (const QString &part : p.value(name).split(u',', Qt::SkipEmptyParts)) {
        bool ok = false;
        const double v = part.trimmed().toDouble(&ok);
        if (!ok || v < double(min) || v > double(max)) {
            printError("bad value for --" + name.toStdString() + ": '" + part.toStdString() + "'");
            return false;
        }
        out->push_back(T(v));
    }
    if (out->empty()) {
        printError("empty --" + name.toStdString());
        return false;
    }
    return true;
}

std::optional<int> parse(const QStringList &arguments, Options *o)
{
    QCommandLineParser p;
    p.setApplicationDescription(u"Benchmarks a line server on HOST:PORT and, given its PID, what it spends.\n"
                                "Modes:\n"
                                "  ingest  N idle clients, one sender at --rate lines/s for --duration s: CPU per message\n"
                                "  memory  RSS: --clients receivers idle, after --broadcasts lines reached each, after all left\n"
                                "  fanout  --receivers, one sender, --lines; --rate 0 saturated, R paced (list allowed);\n"
                                "          --receivers-port: receivers on a second server, bridged (NATS) to the first\n"
                                "  churn   --cycles of connect, welcome, close; --concurrency at once\n"
                                "  soak    --clients receivers for --duration s with churn and floods, sequence-checked\n"
                                "  tls-ingest, tls-memory, tls-fanout: the same over TLS, verified against --tls-ca;\n"
                                "          tls-memory --silent: --clients TCP connections that never send a byte, RSS\n"
                                "          while held and after the server dropped them\n"
                                "  tls-handshake  --cycles of connect, handshake, welcome, close: full, then resumed\n"
                                "Prints key=value lines, then a table. Exit 1 on loss, reorder or an unreachable server."_s);
    p.addHelpOption();
    p.addVersionOption();
    p.addPositionalArgument(u"mode"_s, u"ingest, memory, fanout, churn, soak, tls-ingest, tls-memory, tls-fanout or tls-handshake"_s);
    p.addOptions({
        { u"host"_s, u"Server address, IPv4 (default 127.0.0.1)."_s, u"addr"_s },
        { u"port"_s, u"Server port."_s, u"port"_s },
        { u"pid"_s, u"Server process, for CPU (/proc/PID/stat) and RSS (/proc/PID/status); a comma list for a server "
                    "of several processes (haproxy first, then its backend): CPU and RSS summed."_s, u"pid,..."_s },
        { u"server"_s, u"Label printed as server=LABEL (default: server)."_s, u"label"_s },
        { u"no-welcome"_s, u"The server sends no line on connect (ncat --broker)."_s },
        { u"framing"_s, u"fanout: line (default) or length:2 (the server's --framing; implies --no-welcome)."_s, u"spec"_s },
        { u"idle"_s, u"ingest: idle clients, a comma list measured in turn (default 0)."_s, u"n,..."_s },
        { u"rate"_s, u"Lines/s: ingest (default 1500), soak background (default 200), fanout list, 0 saturated (default 0)."_s, u"r,..."_s },
        { u"duration"_s, u"Seconds: ingest sending (default 10), soak (default 60)."_s, u"s"_s },
        { u"minutes"_s, u"soak: minutes (instead of --duration)."_s, u"m"_s },
        { u"clients"_s, u"memory: receivers, besides one sender (default 1000); soak: receivers (default 50)."_s, u"n"_s },
        { u"receivers"_s, u"fanout: receivers (default 50)."_s, u"n"_s },
        { u"lines"_s, u"fanout: lines sent (default 20000)."_s, u"n"_s },
        { u"receivers-port"_s, u"fanout: the receivers connect here, to a second server bridged to --port's (default: --port)."_s, u"port"_s },
        { u"line-bytes"_s, u"Bytes per line with its \\n (default 64, at least 40)."_s, u"n"_s },
        { u"cycles"_s, u"churn, tls-handshake: connect/close cycles (default 10000)."_s, u"n"_s },
        { u"concurrency"_s, u"churn, tls-handshake: cycles in flight (default 50); soak: churn in flight (default 4)."_s, u"n"_s },
        { u"broadcasts"_s, u"memory: lines sent one by one, each once every receiver has the last (default 10; 0: idle only)."_s, u"n"_s },
        { u"flood-lines"_s, u"soak: lines per flood (default 5000)."_s, u"n"_s },
        { u"flood-every"_s, u"soak: seconds between floods (default 10)."_s, u"s"_s },
        { u"churn-rate"_s, u"soak: connect/close cycles a second, --concurrency at most at once (default 100; 0: no limit)."_s, u"r"_s },
        { u"threads"_s, u"Threads that receive (fanout, soak) or churn (default 2)."_s, u"n"_s },
        { u"connect-burst"_s, u"Connections being set up at once (default 32)."_s, u"n"_s },
        { u"drain"_s, u"Seconds without progress after the last line before counting losses (default 5)."_s, u"s"_s },
        { u"timeout"_s, u"Seconds allowed for each phase (default 120)."_s, u"s"_s },
        { u"no-table"_s, u"Print only the key=value lines."_s },
        { u"tls-ca"_s, u"tls- modes: verify the server's certificate against these PEM CAs (required)."_s, u"file"_s },
        { u"tls-name"_s, u"tls- modes: the name (also sent as SNI) or IP address the certificate must carry (default localhost)."_s, u"name"_s },
        { u"silent"_s, u"tls-memory: the --clients (default 5000) never send a byte; measured until the server drops them."_s },
        { u"silent-wait"_s, u"tls-memory --silent: seconds from the first connect for the server to drop them all (default 30)."_s, u"s"_s },
    });
    if (!p.parse(arguments)) {
        printError(p.errorText().toStdString() + " (see --help)");
        return 2;
    }
    if (p.isSet(u"help"_s)) {
        std::printf("%s\n", p.helpText().toStdString().c_str());
        return 0;
    }
    if (p.isSet(u"version"_s)) {
        std::printf("spread-bench %s\n", SPREAD_VERSION);
        return 0;
    }
    const QStringList positional = p.positionalArguments();
    const QStringList modes { u"ingest"_s, u"memory"_s, u"fanout"_s, u"churn"_s, u"soak"_s,
                              u"tls-ingest"_s, u"tls-memory"_s, u"tls-fanout"_s, u"tls-handshake"_s };
    if (positional.size() != 1 || !modes.contains(positional.first())) {
        printError("give one mode: ingest, memory, fanout, churn, soak, tls-ingest, tls-memory, tls-fanout or "
                   "tls-handshake (see --help)");
        return 2;
    }
    o->mode = positional.first().toStdString();
    o->tls = o->mode.rfind("tls-", 0) == 0;
    if (o->tls && !p.isSet(u"tls-ca"_s)) {
        printError("the tls- modes verify the server: --tls-ca is required");
        return 2;
    }
    if (!o->tls && (p.isSet(u"tls-ca"_s) || p.isSet(u"tls-name"_s))) {
        printError("--tls-ca and --tls-name are for the tls- modes");
        return 2;
    }
    if (p.isSet(u"silent"_s) && o->mode != "tls-memory") {
        printError("--silent is for tls-memory");
        return 2;
    }
    if (p.isSet(u"tls-ca"_s))
        o->tlsCa = p.value(u"tls-ca"_s).toStdString();
    if (p.isSet(u"tls-name"_s))
        o->tlsName = p.value(u"tls-name"_s).toStdString();
    o->silent = p.isSet(u"silent"_s);
    if (!p.isSet(u"port"_s)) {
        printError("--port is required");
        return 2;
    }
    if (p.isSet(u"host"_s))
        o->host = p.value(u"host"_s).toStdString();
    o->target.sin_family = AF_INET;
    if (inet_pton(AF_INET, o->host.c_str(), &o->target.sin_addr) != 1) {
        printError("bad value for --host: '" + o->host + "' (an IPv4 address)");
        return 2;
    }
    if (p.isSet(u"server"_s))
        o->label = p.value(u"server"_s).toStdString();
    o->welcome = !p.isSet(u"no-welcome"_s);
    if (p.isSet(u"framing"_s)) {
        const QString framing = p.value(u"framing"_s);
        if (framing == u"length:2"_s) {
            o->lengthFrames = true;
            o->welcome = false;   // text is no frame: a length-framed server greets no one
        } else if (framing != u"line"_s) {
            printError("bad value for --framing: '" + framing.toStdString() + "' (line or length:2)");
            return 2;
        }
    }
    o->table = !p.isSet(u"no-table"_s);
    std::vector<int> pids;
    double minutes = -1;
    if (!number(p, u"port"_s, 1, 65535, &o->port) || !numberList(p, u"pid"_s, 1, std::numeric_limits<int>::max(), &pids)
        || !numberList(p, u"idle"_s, 0, 1000000, &o->idle) || !numberList(p, u"rate"_s, 0.0, 1e9, &o->rates)
        || !number(p, u"duration"_s, 0.1, 86400.0, &o->durationS) || !number(p, u"minutes"_s, 0.01, 1440.0, &minutes)
        || !number(p, u"clients"_s, 1, 1000000, &o->clients) || !number(p, u"receivers"_s, 1, 100000, &o->receivers)
        || !number<uint64_t>(p, u"lines"_s, 1, uint64_t(1) << 40, &o->lines)
        || !number<size_t>(p, u"line-bytes"_s, MinLineBytes, 1 << 20, &o->lineBytes)
        || !number(p, u"broadcasts"_s, 0, 1000000, &o->broadcasts)
        || !number(p, u"cycles"_s, 1, 100000000, &o->cycles) || !number(p, u"concurrency"_s, 1, 100000, &o->concurrency)
        || !number<uint64_t>(p, u"flood-lines"_s, 0, uint64_t(1) << 32, &o->floodLines)
        || !number(p, u"flood-every"_s, 0.1, 86400.0, &o->floodEveryS)
        || !number(p, u"churn-rate"_s, 0.0, 1e6, &o->churnRate)
        || !number(p, u"connect-burst"_s, 1, 10000, &o->connectBurst) || !number(p, u"threads"_s, 1, 64, &o->threads) || !number(p, u"drain"_s, 0.1, 3600.0, &o->drainS)
        || !number(p, u"timeout"_s, 1.0, 86400.0, &o->timeoutS)
        || !number(p, u"receivers-port"_s, 1, 65535, &o->receiversPort)
        || !number(p, u"silent-wait"_s, 1.0, 3600.0, &o->silentWaitS))
        return 2;
    o->target.sin_port = htons(uint16_t(o->port));
    o->pids.assign(pids.begin(), pids.end());
    if (minutes > 0)
        o->durationS = minutes * 60;
    return std::nullopt;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"spread-bench"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(SPREAD_VERSION));
    Options o;
    if (auto exit = parse(QCoreApplication::arguments(), &o))
        return *exit;

    std::signal(SIGPIPE, SIG_IGN);
    rlimit limit {};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
    if (!o.pids.empty() && !ServerProc(o.pids).alive()) {
        std::string list;
        for (const pid_t pid : o.pids)
            list += (list.empty() ? "" : ",") + std::to_string(pid);
        printError("no process " + list);
        return 1;
    }
    if (o.tls) {
        std::string why;
        o.tlsContext = makeTlsContext(o, &why);
        if (!o.tlsContext) {
            printError(why);
            return 2;
        }
    }

    std::vector<Result> results;
    int status = 1;
    const std::string mode = o.tls ? o.mode.substr(4) : o.mode;   // a tls- mode is its plain one over TLS
    if (mode == "ingest")
        status = runIngest(o, results);
    else if (mode == "memory" && o.silent)
        status = runSilent(o, results);
    else if (mode == "memory")
        status = runMemory(o, results);
    else if (mode == "fanout")
        status = runFanout(o, results);
    else if (mode == "churn")
        status = runChurn(o, results);
    else if (mode == "handshake")
        status = runHandshake(o, results);
    else
        status = runSoak(o, results);
    if (o.tls) {
        const std::string why = tlsError();
        for (Result &r : results) {
            if (!r.ok() && !why.empty())
                r.set("tls_error", why);
        }
        SSL_CTX_free(o.tlsContext);
    }

    for (const Result &r : results)
        std::printf("%s\n", r.line().c_str());
    if (o.table && !results.empty())
        std::printf("\n%s", humanTable(results).c_str());
    std::fflush(stdout);
    return status;
}
