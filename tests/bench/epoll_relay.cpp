// SPDX-License-Identifier: MIT
//
// epoll-relay: the benchmark's yardstick. A minimal line relay written the
// way a C++ programmer would write one to go fast on Linux, so that
// tests/bench/run_bench.py can show the other servers' costs as ratios of
// what this machine allows.
//
//   epoll-relay [--port N] [--no-relay]
//
// One thread, one epoll set, level-triggered. Each client: a read buffer for
// the unterminated tail and an output buffer. On connect the client gets
// "welcome N\n" (N: clients connected now, itself included). Every complete
// line (a "\r" before the "\n" belongs to the ending) is relayed with "\n" to
// every other client; the lines of one read are relayed as one block. Output
// is written at the end of each epoll batch; what the kernel does not take
// stays queued and EPOLLOUT is watched until it drains. --no-relay only
// counts lines. --port 0 picks a free port; the first line printed is
// "port: N". SIGINT/SIGTERM print the counters and exit 0.

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
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

constexpr size_t MaxLineBytes = 1 << 20;     // a longer unterminated line drops its sender
constexpr size_t MaxOutBytes = 64u << 20;    // a client this far behind is dropped
constexpr int MaxEvents = 512;

struct Client {
    bool open = false;
    bool wantOut = false;        // EPOLLOUT registered
    bool dirty = false;          // in the dirty list
    bool doomed = false;         // too far behind: closed at the end of the batch
    size_t listIndex = 0;        // position in g_open
    std::string in;              // unterminated tail
    std::string out;             // queued output
    size_t outOffset = 0;        // bytes of out already written
};

std::deque<Client> g_clients;    // indexed by descriptor; a deque grows without moving or doubling
std::vector<int> g_open;         // open descriptors, any order
std::vector<int> g_dirty;        // descriptors with output to write this batch
int g_epoll = -1;
bool g_relay = true;
unsigned long long g_linesIn = 0;
unsigned long long g_accepted = 0;
volatile std::sig_atomic_t g_stop = 0;

void onSignal(int) { g_stop = 1; }

void setInterest(int fd, bool out)
{
    Client &c = g_clients[size_t(fd)];
    if (c.wantOut == out)
        return;
    epoll_event ev {};
    ev.events = EPOLLIN | (out ? EPOLLOUT : 0u);
    ev.data.fd = fd;
    epoll_ctl(g_epoll, EPOLL_CTL_MOD, fd, &ev);
    c.wantOut = out;
}

void closeClient(int fd)
{
    Client &c = g_clients[size_t(fd)];
    if (!c.open)
        return;
    const size_t i = c.listIndex;
    g_open[i] = g_open.back();
    g_clients[size_t(g_open[i])].listIndex = i;
    g_open.pop_back();
    epoll_ctl(g_epoll, EPOLL_CTL_DEL, fd, nullptr);
    ::close(fd);
    c = Client {};   // also forgets a pending dirty mark: flush() checks open
}

void queue(int fd, const char *data, size_t size)
{
    Client &c = g_clients[size_t(fd)];
    if (c.out.size() - c.outOffset + size > MaxOutBytes)
        c.doomed = true;   // closing now would reorder g_open under relay()'s loop
    else
        c.out.append(data, size);
    if (!c.dirty) {
        c.dirty = true;
        g_dirty.push_back(fd);
    }
}

// Writes what is queued; false when the client had to be closed.
bool flush(int fd)
{
    Client &c = g_clients[size_t(fd)];
    while (c.outOffset < c.out.size()) {
        const ssize_t n = ::send(fd, c.out.data() + c.outOffset, c.out.size() - c.outOffset, MSG_NOSIGNAL);
        if (n > 0) {
            c.outOffset += size_t(n);
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            setInterest(fd, true);
            return true;
        } else {
            closeClient(fd);
            return false;
        }
    }
    c.out.clear();
    c.outOffset = 0;
    if (c.out.capacity() > 64 * 1024)
        std::string().swap(c.out);   // a burst's buffer is not kept by an idle client
    setInterest(fd, false);
    return true;
}

void relay(int from, const std::string &block)
{
    if (block.empty())
        return;
    for (int fd : g_open) {
        if (fd != from)
            queue(fd, block.data(), block.size());
    }
}

void acceptAll(int listener)
{
    for (int i = 0; i < 1024; ++i) {
        const int fd = ::accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
            return;   // EAGAIN, or out of descriptors: try again on the next wake-up
        if (size_t(fd) >= g_clients.size())
            g_clients.resize(size_t(fd) + 1);
        const int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        epoll_event ev {};
        ev.events = EPOLLIN;
        ev.data.fd = fd;
        if (epoll_ctl(g_epoll, EPOLL_CTL_ADD, fd, &ev) != 0) {
            ::close(fd);
            continue;
        }
        Client &c = g_clients[size_t(fd)];
        c = Client {};
        c.open = true;
        c.listIndex = g_open.size();
        g_open.push_back(fd);
        ++g_accepted;
        const std::string welcome = "welcome " + std::to_string(g_open.size()) + "\n";
        queue(fd, welcome.data(), welcome.size());
    }
}

void readClient(int fd)
{
    static char buffer[64 * 1024];
    static std::string block;
    Client &c = g_clients[size_t(fd)];
    for (int rounds = 0; rounds < 4; ++rounds) {   // bounded: others get their turn
        const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        if (n <= 0) {
            // End of stream or error: what was sent without an ending still counts.
            if (!c.in.empty()) {
                ++g_linesIn;
                if (g_relay) {
                    block = c.in + '\n';
                    relay(fd, block);
                }
            }
            closeClient(fd);
            return;
        }
        block.clear();
        const char *p = buffer;
        const char *end = buffer + n;
        while (p < end) {
            const char *nl = static_cast<const char *>(std::memchr(p, '\n', size_t(end - p)));
            if (!nl) {
                c.in.append(p, size_t(end - p));
                if (c.in.size() > MaxLineBytes) {
                    closeClient(fd);
                    return;
                }
                break;
            }
            ++g_linesIn;
            if (g_relay) {
                const char *lineEnd = nl;
                if (!c.in.empty()) {
                    c.in.append(p, size_t(lineEnd - p));
                    if (!c.in.empty() && c.in.back() == '\r')
                        c.in.pop_back();
                    block += c.in;
                } else {
                    if (lineEnd > p && lineEnd[-1] == '\r')
                        --lineEnd;
                    block.append(p, size_t(lineEnd - p));
                }
                block += '\n';
            }
            c.in.clear();
            p = nl + 1;
        }
        relay(fd, block);
        if (size_t(n) < sizeof buffer)
            return;
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
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--no-relay") {
            g_relay = false;
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
    sa.sa_handler = onSignal;
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);

    const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    const int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr {};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(uint16_t(port));
    if (listener < 0 || ::bind(listener, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0
        || ::listen(listener, SOMAXCONN) != 0) {
        std::fprintf(stderr, "epoll-relay: cannot listen on 127.0.0.1 port %ld: %s\n", port, std::strerror(errno));
        return 1;
    }
    socklen_t len = sizeof addr;
    getsockname(listener, reinterpret_cast<sockaddr *>(&addr), &len);
    std::printf("port: %u\n", unsigned(ntohs(addr.sin_port)));
    std::fflush(stdout);

    g_epoll = epoll_create1(EPOLL_CLOEXEC);
    epoll_event ev {};
    ev.events = EPOLLIN;
    ev.data.fd = listener;
    epoll_ctl(g_epoll, EPOLL_CTL_ADD, listener, &ev);

    epoll_event events[MaxEvents];
    while (!g_stop) {
        const int n = epoll_wait(g_epoll, events, MaxEvents, -1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            std::perror("epoll-relay: epoll_wait");
            return 1;
        }
        for (int i = 0; i < n; ++i) {
            const int fd = events[i].data.fd;
            if (fd == listener) {
                acceptAll(listener);
                continue;
            }
            if (!g_clients[size_t(fd)].open)
                continue;   // closed earlier in this batch
            if (events[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP))
                readClient(fd);
            if ((events[i].events & EPOLLOUT) && g_clients[size_t(fd)].open)
                flush(fd);
        }
        // One write per client per batch, whatever it received in the batch.
        for (size_t i = 0; i < g_dirty.size(); ++i) {
            const int fd = g_dirty[i];
            Client &c = g_clients[size_t(fd)];
            if (!c.open || !c.dirty)
                continue;
            c.dirty = false;
            if (c.doomed)
                closeClient(fd);
            else if (!c.wantOut)   // with EPOLLOUT on, the kernel's buffer is full: wait for it
                flush(fd);
        }
        g_dirty.clear();
    }
    std::printf("accepted: %llu lines: %llu\n", g_accepted, g_linesIn);
    return 0;
}
