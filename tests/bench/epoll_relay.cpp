// SPDX-License-Identifier: MIT
//
// epoll-relay: the benchmark's yardstick, the cheapest correct line relay we
// know how to write on Linux, so that tests/bench/run_bench.py can show the
// other servers' costs as ratios of what this machine allows (1.00).
//
//   epoll-relay [--port N] [--no-relay]
//
// The design (issue 11's reference, nothing added):
// - one thread, one level-triggered epoll set, non-blocking sockets;
// - one read() per ready socket per wake-up, into one buffer shared by all
//   clients, behind the client's unfinished line (if any) copied in front;
// - every complete line of that read is relayed as one contiguous block, the
//   bytes as they came (a "\r\n" ending stays "\r\n"), with one write()
//   straight away to each other client;
// - only what the kernel refused is buffered, per client, and EPOLLOUT is
//   registered only while that buffer is not empty; a drained buffer is freed;
// - an unfinished line is kept (on the heap) until its newline; at the end of
//   the stream it is relayed with a "\n", so nothing a client sent is lost.
// A client with nothing buffered owns no heap memory: its record is 24 bytes
// in a table indexed by descriptor, plus its 4-byte place in the broadcast
// list (both reserved for the descriptor limit at start, so never copied). On connect a client gets "welcome N\n" (N: clients connected now,
// itself included). --no-relay only counts lines. --port 0 picks a free
// port; the first line printed is "port: N". SIGINT/SIGTERM print the
// counters and exit 0. Limits: an unfinished line over 64 KiB drops its
// sender, more than 4 MiB unsent drops the receiver (as our server's defaults).

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

constexpr size_t MaxLineBytes = 64 * 1024;        // a longer unfinished line drops its sender
constexpr size_t MaxUnsentBytes = 4 * 1024 * 1024; // a receiver this far behind is dropped
constexpr size_t ReadBytes = 64 * 1024;           // one read() takes at most this much
constexpr int MaxEvents = 1024;
constexpr rlim_t MaxReservedClients = 1 << 20;      // records reserved up front at most (24 MiB of address space)
constexpr uint32_t NotOpen = UINT32_MAX;

volatile std::sig_atomic_t g_stop = 0;

void onSignal(int)
{
    g_stop = 1;
}

/** Bytes on the heap: a header, then the bytes [start, size) of a capacity of cap. */
struct Bytes {
    uint32_t size;
    uint32_t start;
    uint32_t cap;
    uint32_t unused;
    char *data() { return reinterpret_cast<char *>(this + 1); }
};

/** Appends @p n bytes to @p b (nullptr: none yet); compacts or grows; the buffer, or nullptr without memory. */
Bytes *append(Bytes *b, const char *p, size_t n)
{
    if (b && b->start > 0 && b->size + n > b->cap) {
        std::memmove(b->data(), b->data() + b->start, b->size - b->start);
        b->size -= b->start;
        b->start = 0;
    }
    const size_t have = b ? b->size : 0;
    if (!b || have + n > b->cap) {
        const size_t cap = std::max<size_t>({ 256, have + n, b ? size_t(b->cap) * 2 : 0 });
        auto *grown = static_cast<Bytes *>(std::realloc(b, sizeof(Bytes) + cap));
        if (!grown)
            return nullptr;   // the caller drops the client; the old block is freed with it
        if (!b)
            grown->start = 0;
        grown->size = uint32_t(have);
        grown->cap = uint32_t(cap);
        b = grown;
    }
    std::memcpy(b->data() + b->size, p, n);
    b->size += uint32_t(n);
    return b;
}

struct Client {
    Bytes *out = nullptr;       // what the kernel refused, oldest first; EPOLLOUT while set
    Bytes *line = nullptr;      // the unfinished line
    uint32_t slot = NotOpen;    // place in m_open
};

class Relay
{
public:
    explicit Relay(bool relay, size_t descriptors) : m_relay(relay), m_buffer(MaxLineBytes + ReadBytes + 1)
    {
        // Room for every descriptor up front: the tables never move, and what is reserved but not
        // yet used is address space only, not resident memory.
        m_clients.reserve(descriptors);
        m_open.reserve(descriptors);
    }

    bool listen(long port);
    uint16_t port() const { return m_port; }
    int run();

private:
    void acceptAll();
    void readFrom(int fd);
    void relay(int from, const char *data, size_t size);
    void keepOut(int fd, const char *data, size_t size);
    void writeOut(int fd);
    void closeClient(int fd);
    void watch(int fd, uint32_t events);

    bool m_relay = true;
    int m_listener = -1;
    int m_epoll = -1;
    uint16_t m_port = 0;
    bool m_acceptPaused = false;      // out of descriptors: the listener is out of the set
    std::vector<Client> m_clients;    // indexed by descriptor
    std::vector<int> m_open;          // the open descriptors, any order
    std::vector<char> m_buffer;       // the unfinished line, then the read
    unsigned long long m_accepted = 0;
    unsigned long long m_lines = 0;   // --no-relay: lines counted
    unsigned long long m_bytes = 0;   // relayed, once per block
};

bool Relay::listen(long port)
{
    m_listener = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (m_listener < 0)
        return false;
    const int one = 1;
    setsockopt(m_listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    // Set once here: Linux hands it on to every accepted socket, one system call fewer a client.
    setsockopt(m_listener, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in addr {};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(uint16_t(port));
    if (::bind(m_listener, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0 || ::listen(m_listener, SOMAXCONN) != 0)
        return false;
    socklen_t len = sizeof addr;
    getsockname(m_listener, reinterpret_cast<sockaddr *>(&addr), &len);
    m_port = ntohs(addr.sin_port);
    m_epoll = epoll_create1(EPOLL_CLOEXEC);
    epoll_event ev {};
    ev.events = EPOLLIN;
    ev.data.fd = m_listener;
    return m_epoll >= 0 && epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_listener, &ev) == 0;
}

int Relay::run()
{
    epoll_event events[MaxEvents];
    while (!g_stop) {
        const int n = epoll_wait(m_epoll, events, MaxEvents, -1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            std::perror("epoll-relay: epoll_wait");
            return 1;
        }
        for (int i = 0; i < n; ++i) {
            const int fd = events[i].data.fd;
            if (fd == m_listener) {
                acceptAll();
                continue;
            }
            // A client closed earlier in this batch is skipped; should its descriptor have been
            // reused by an accept meanwhile, the new client's read finds nothing (EAGAIN).
            if (m_clients[size_t(fd)].slot == NotOpen)
                continue;
            if (events[i].events & EPOLLOUT)
                writeOut(fd);
            if ((events[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) && m_clients[size_t(fd)].slot != NotOpen)
                readFrom(fd);
        }
    }
    std::printf("accepted: %llu lines: %llu relayed_bytes: %llu\n", m_accepted, m_lines, m_bytes);
    return 0;
}

void Relay::watch(int fd, uint32_t events)
{
    epoll_event ev {};
    ev.events = events;
    ev.data.fd = fd;
    epoll_ctl(m_epoll, EPOLL_CTL_MOD, fd, &ev);
}

void Relay::acceptAll()
{
    for (;;) {
        const int fd = ::accept4(m_listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EMFILE || errno == ENFILE) {
                // Level-triggered, the listener would wake us at once again: leave it out of the
                // set until a client closes.
                epoll_ctl(m_epoll, EPOLL_CTL_DEL, m_listener, nullptr);
                m_acceptPaused = true;
            }
            return;   // EAGAIN, or a connection that went away before we took it
        }
        epoll_event ev {};
        ev.events = EPOLLIN;
        ev.data.fd = fd;
        if (epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &ev) != 0) {
            ::close(fd);
            continue;
        }
        if (size_t(fd) >= m_clients.size())
            m_clients.resize(size_t(fd) + 1);
        Client &c = m_clients[size_t(fd)];
        c.slot = uint32_t(m_open.size());
        m_open.push_back(fd);
        ++m_accepted;
        char welcome[32] = "welcome ";
        char *end = std::to_chars(welcome + 8, welcome + sizeof welcome - 1, m_open.size()).ptr;
        *end++ = '\n';
        const size_t size = size_t(end - welcome);
        const ssize_t written = ::write(fd, welcome, size);
        if (written != ssize_t(size))
            keepOut(fd, welcome + std::max<ssize_t>(written, 0), size - size_t(std::max<ssize_t>(written, 0)));
    }
}

void Relay::readFrom(int fd)
{
    Client &c = m_clients[size_t(fd)];
    char *buffer = m_buffer.data();
    size_t kept = 0;
    if (c.line) {
        kept = c.line->size - c.line->start;
        std::memcpy(buffer, c.line->data() + c.line->start, kept);
    }
    const ssize_t n = ::read(fd, buffer + kept, ReadBytes);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return;
    if (n <= 0) {
        // The end, or an error: what was sent without an ending still counts.
        if (kept > 0) {
            ++m_lines;
            buffer[kept] = '\n';
            if (m_relay)
                relay(fd, buffer, kept + 1);
        }
        closeClient(fd);
        return;
    }
    const size_t total = kept + size_t(n);
    const char *last = static_cast<const char *>(memrchr(buffer + kept, '\n', size_t(n)));
    const size_t complete = last ? size_t(last - buffer) + 1 : 0;
    if (m_relay) {
        if (complete > 0)
            relay(fd, buffer, complete);
    } else if (complete > 0) {
        m_lines += uint64_t(std::count(buffer + kept, buffer + complete, '\n'));
    }
    if (m_clients[size_t(fd)].slot == NotOpen)
        return;   // cannot happen (relay() skips the sender), but a closed client keeps nothing
    const size_t rest = total - complete;
    if (rest == 0) {
        std::free(c.line);
        c.line = nullptr;
        return;
    }
    if (rest > MaxLineBytes) {
        closeClient(fd);   // line too long
        return;
    }
    if (c.line) {
        c.line->start = 0;
        c.line->size = 0;
    }
    Bytes *line = append(c.line, buffer + complete, rest);
    if (!line) {
        closeClient(fd);
        return;
    }
    c.line = line;
}

// Backwards over m_open: closing a receiver moves the last one into its place, one already done.
void Relay::relay(int from, const char *data, size_t size)
{
    m_bytes += size;
    for (size_t i = m_open.size(); i-- > 0;) {
        const int fd = m_open[i];
        if (fd == from)
            continue;
        if (m_clients[size_t(fd)].out) {
            keepOut(fd, data, size);   // behind already: after what waits, in order
            continue;
        }
        const ssize_t n = ::write(fd, data, size);
        if (n == ssize_t(size))
            continue;
        if (n >= 0)
            keepOut(fd, data + n, size - size_t(n));
        else if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
            keepOut(fd, data, size);
        else
            closeClient(fd);   // reset, broken pipe
    }
}

void Relay::keepOut(int fd, const char *data, size_t size)
{
    Client &c = m_clients[size_t(fd)];
    const size_t waiting = c.out ? c.out->size - c.out->start : 0;
    if (waiting + size > MaxUnsentBytes) {
        closeClient(fd);   // too slow
        return;
    }
    Bytes *out = append(c.out, data, size);
    if (!out) {
        closeClient(fd);
        return;
    }
    if (!c.out)
        watch(fd, EPOLLIN | EPOLLOUT);
    c.out = out;
}

void Relay::writeOut(int fd)
{
    Client &c = m_clients[size_t(fd)];
    if (!c.out)
        return;   // a stale event for a reused descriptor
    const ssize_t n = ::write(fd, c.out->data() + c.out->start, c.out->size - c.out->start);
    if (n < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            closeClient(fd);
        return;
    }
    c.out->start += uint32_t(n);
    if (c.out->start < c.out->size)
        return;
    std::free(c.out);   // drained: an idle client owns no heap memory
    c.out = nullptr;
    watch(fd, EPOLLIN);
}

void Relay::closeClient(int fd)
{
    Client &c = m_clients[size_t(fd)];
    const uint32_t slot = c.slot;
    m_open[slot] = m_open.back();
    m_clients[size_t(m_open[slot])].slot = slot;
    m_open.pop_back();
    std::free(c.out);
    std::free(c.line);
    c = Client {};
    ::close(fd);   // also takes it out of the epoll set
    if (m_acceptPaused) {
        epoll_event ev {};
        ev.events = EPOLLIN;
        ev.data.fd = m_listener;
        epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_listener, &ev);
        m_acceptPaused = false;
    }
}

int usage(const char *message)
{
    std::fprintf(stderr, "epoll-relay: %s\nusage: epoll-relay [--port N] [--no-relay]\n", message);
    return 2;
}

} // namespace

int main(int argc, char **argv)
{
    long port = 8007;
    bool relay = true;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--no-relay") {
            relay = false;
        } else if (arg == "--port" && i + 1 < argc) {
            char *end = nullptr;
            port = std::strtol(argv[++i], &end, 10);
            if (*end != '\0' || port < 0 || port > 65535)
                return usage("bad port");
        } else if (arg == "--help" || arg == "-h") {
            std::printf("usage: epoll-relay [--port N] [--no-relay]\n");
            return 0;
        } else {
            return usage("unknown option");
        }
    }

    rlimit limit {};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
    std::signal(SIGPIPE, SIG_IGN);
    struct sigaction sa {};
    sa.sa_handler = onSignal;   // no SA_RESTART: epoll_wait returns EINTR
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);

    const size_t descriptors = std::min<rlim_t>(limit.rlim_cur, MaxReservedClients);
    Relay server(relay, descriptors);
    if (!server.listen(port)) {
        std::fprintf(stderr, "epoll-relay: cannot listen on 127.0.0.1 port %ld: %s\n", port, std::strerror(errno));
        return 1;
    }
    std::printf("port: %u\n", unsigned(server.port()));
    std::fflush(stdout);
    return server.run();
}
