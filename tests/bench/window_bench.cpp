// SPDX-License-Identifier: MIT
// spread-window-bench: the server window under a flood.
//
// Opens the real ServerWindow (offscreen unless QT_QPA_PLATFORM says
// otherwise), listening on 127.0.0.1 with relay off, and floods it from
// --clients connections at --rate messages/s in total for --duration s,
// from a load thread of its own. Meanwhile a 10 ms timer on the GUI thread
// measures how late the event loop serves it: the largest delay is the
// longest stall a user would feel. Prints key=value figures, then checks
// that the window's counters saw every message and that the log stayed
// within its cap. Exit 1 if a check fails.

#include "logview/logmodel.h"
#include "server/serverwindow.h"
#include "server/clienttablemodel.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QStandardPaths>
#include <QTimer>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace {

long rssKiB()
{
    std::ifstream status("/proc/self/status");
    std::string key;
    long value = 0;
    while (status >> key) {
        if (key == "VmRSS:") {
            status >> value;
            return value;
        }
        status.ignore(4096, '\n');
    }
    return -1;
}

// The load: plain sockets on a thread of their own, so that the GUI thread
// measured here does nothing but the window's own work.
struct Load
{
    int clients = 1000;
    int rate = 20000;
    double duration = 10;
    quint16 port = 0;
    std::atomic<bool> connected { false };
    std::atomic<bool> done { false };
    std::atomic<long> sent { 0 };
    std::atomic<int> failed { 0 };

    void run()
    {
        std::vector<int> fds;
        sockaddr_in addr {};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(port);
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        for (int i = 0; i < clients; ++i) {
            const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
            if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0) {
                failed.fetch_add(1);
                if (fd >= 0)
                    ::close(fd);
                continue;
            }
            const int one = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            fds.push_back(fd);
        }
        connected = true;
        // Paced in 10 ms steps, round-robin over the clients; the welcome lines are never read.
        using Clock = std::chrono::steady_clock;
        const auto start = Clock::now();
        const long total = long(rate * duration);
        size_t next = 0;
        char line[96];
        while (sent < total && !fds.empty()) {
            const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
            const long due = std::min(total, long(elapsed * rate));
            while (sent < due) {
                const long n = sent;
                const int length = std::snprintf(line, sizeof line, "sensor %06ld temp=23.%ld hum=4%ld\n", n, n % 10, n % 7);
                if (::send(fds[next], line, size_t(length), MSG_NOSIGNAL) != length)
                    failed.fetch_add(1);
                next = (next + 1) % fds.size();
                sent.fetch_add(1);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        done = true;
        // Keep the connections until the window has counted everything.
        while (done && connected)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        for (int fd : fds)
            ::close(fd);
    }
};

} // namespace

int main(int argc, char *argv[])
{
    QStandardPaths::setTestModeEnabled(true);   // never the user's saved settings
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"spread-window-bench"_s);

    QCommandLineParser parser;
    parser.setApplicationDescription(u"The server window under a flood: the longest GUI stall, memory, counts."_s);
    parser.addHelpOption();
    parser.addOptions({
        { u"clients"_s, u"Connections sending (default 1000)."_s, u"n"_s, u"1000"_s },
        { u"rate"_s, u"Messages per second, all clients together (default 20000)."_s, u"r"_s, u"20000"_s },
        { u"duration"_s, u"Seconds of flood (default 10)."_s, u"s"_s, u"10"_s },
        { u"log-cap"_s, u"Log entries kept by the window (default 100000)."_s, u"n"_s, u"100000"_s },
    });
    parser.process(app);

    Load load;
    load.clients = parser.value(u"clients"_s).toInt();
    load.rate = parser.value(u"rate"_s).toInt();
    load.duration = parser.value(u"duration"_s).toDouble();
    const int logCap = parser.value(u"log-cap"_s).toInt();
    if (load.clients <= 0 || load.rate <= 0 || load.duration <= 0 || logCap <= 0) {
        std::fprintf(stderr, "spread-window-bench: bad value (see --help)\n");
        return 2;
    }

    ServerOptions options;
    options.bind = QHostAddress(QHostAddress::LocalHost);
    options.port = 0;
    options.settings.relay = false;
    options.settings.maxClients = 1000000;
    options.explicitlySet = { u"bind"_s, u"port"_s, u"no-relay"_s, u"max-clients"_s };
    ServerWindow window(options);
    window.logModel()->setCapacity(logCap);
    window.resize(1280, 800);
    window.show();
    if (!window.start()) {
        std::fprintf(stderr, "spread-window-bench: the window could not listen\n");
        return 1;
    }
    load.port = window.server()->serverPort();

    quint64 received = 0;
    QObject::connect(window.server(), &SpreadServer::messageReceived, &window, [&received] { ++received; });

    // The probe: how late is a 10 ms timer served?
    constexpr int TICK_MS = 10;
    QElapsedTimer clock;
    clock.start();
    qint64 last = 0;
    qint64 maxLate = 0;
    std::vector<qint64> lates;
    bool measuring = false;
    QTimer probe;
    probe.setTimerType(Qt::PreciseTimer);
    probe.setInterval(TICK_MS);
    QObject::connect(&probe, &QTimer::timeout, &window, [&] {
        const qint64 now = clock.elapsed();
        if (measuring) {
            const qint64 late = std::max<qint64>(0, now - last - TICK_MS);
            maxLate = std::max(maxLate, late);
            lates.push_back(late);
        }
        last = now;
    });

    const long rssStart = rssKiB();
    long rssMax = rssStart;
    std::thread loader([&load] { load.run(); });
    QElapsedTimer phase;
    phase.start();
    const qint64 expected = qint64(load.rate * load.duration);
    bool finished = false;
    QTimer watch;   // starts the probe once connected, ends the run when all is counted
    QObject::connect(&watch, &QTimer::timeout, &window, [&] {
        rssMax = std::max(rssMax, rssKiB());
        if (!measuring && load.connected) {
            measuring = true;
            last = clock.elapsed();
            probe.start();
        }
        const bool allIn = load.done && qint64(received) >= load.sent.load();
        if ((allIn && window.logModel()->pendingCount() == 0) || phase.elapsed() > qint64(load.duration * 1000) + 60000) {
            finished = allIn;
            QCoreApplication::quit();
        }
    });
    watch.start(100);
    app.exec();
    probe.stop();
    load.connected = false;   // lets the load thread close its sockets
    loader.join();

    // What the window itself shows: the client table's "Msgs in", summed.
    ClientTableModel *table = window.clientModel();
    table->refresh();
    quint64 tableIn = 0;
    for (int row = 0; row < table->rowCount(); ++row)
        tableIn += table->index(row, ClientTableModel::MessagesInColumn).data(ClientTableModel::SortRole).toULongLong();

    std::sort(lates.begin(), lates.end());
    const auto pct = [&lates](double p) { return lates.empty() ? 0 : lates[size_t(p * double(lates.size() - 1))]; };
    const int rows = window.logModel()->rowCount();
    const long rssEnd = rssKiB();
    std::printf("mode=window clients=%d rate=%d duration_s=%.1f sent=%ld expected=%lld received=%llu send_failures=%d "
                "max_stall_ms=%lld p99_late_ms=%lld p50_late_ms=%lld ticks=%zu log_rows=%d log_cap=%d log_dropped=%llu "
                "rss_start_kib=%ld rss_max_kib=%ld rss_end_kib=%ld table_rows=%d table_msgs_in=%llu\n",
                load.clients, load.rate, load.duration, load.sent.load(), static_cast<long long>(expected),
                static_cast<unsigned long long>(received), load.failed.load(), static_cast<long long>(maxLate),
                static_cast<long long>(pct(0.99)), static_cast<long long>(pct(0.5)), lates.size(), rows, logCap,
                static_cast<unsigned long long>(window.logModel()->droppedCount()), rssStart, rssMax, rssEnd,
                table->rowCount(), static_cast<unsigned long long>(tableIn));

    const bool counted = received == quint64(load.sent.load()) && tableIn == received;
    const bool ok = finished && counted && rows <= logCap;
    std::printf("%-28s %s (table: %llu in %d rows)\n", "every message counted:", counted ? "yes" : "NO",
                static_cast<unsigned long long>(tableIn), table->rowCount());
    std::printf("%-28s %lld ms (target: at most 50)\n", "longest GUI stall:", static_cast<long long>(maxLate));
    std::printf("%-28s %d of %d\n", "log rows kept:", rows, logCap);
    std::printf("%-28s %ld -> %ld KiB (max %ld)\n", "RSS:", rssStart, rssEnd, rssMax);
    return ok ? 0 : 1;
}
