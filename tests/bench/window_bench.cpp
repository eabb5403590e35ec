// SPDX-License-Identifier: MIT
// spread-window-bench: the server window under a flood.
//
// Opens the real ServerWindow (offscreen unless QT_QPA_PLATFORM says
// otherwise), listening on 127.0.0.1 with relay off, and floods it from
// --clients connections at --rate messages/s in total for --duration s,
// from a load process of its own. Meanwhile a 10 ms timer on the GUI thread
// measures how late the event loop serves it: the largest delay is the
// longest stall a user would feel. Prints key=value figures, then checks
// that the window's counters saw every message, that its table held every
// client and that the log stayed within its cap. Exit 1 if a check fails.
//
// The flood starts once the window's table holds every client (the RSS is
// taken then: rss_kib_at_clients). With --connect-storm it starts from the
// first --storm-base connections instead, and --storm-after s into the
// flood the others connect in one burst (non-blocking connects) while the
// flood goes on; the stall is then said for the storm (from the first storm
// connect until the table holds every client and 500 ms more) and for the
// rest of the flood apart. At the end, with every client still connected,
// the table is sorted by each column both ways and the client filter
// (clientFilterEdit, when the window has it) is applied and cleared, timed.
//
// Displays: offscreen by default; under Xvfb, the real xcb platform:
//   QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1600x1000x24" build/tests/bench/spread-window-bench ...
//
// The load is a child process, not a thread: the window holds a descriptor
// per client and the load another, and 10,000 clients need more than the
// 20,000 descriptors one process may hold here. Both raise their soft limit
// to the hard limit.

#include "logview/logmodel.h"
#include "server/serverwindow.h"
#include "server/clienttablemodel.h"

#include <QAbstractItemModel>
#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QEvent>
#include <QLineEdit>
#include <QMetaEnum>
#include <QStandardPaths>
#include <QTableView>
#include <QTimer>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <new>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace {

using Clock = std::chrono::steady_clock;   // CLOCK_MONOTONIC: the same in the window and the load process

qint64 nowMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch()).count();
}

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

long raiseDescriptorLimit()
{
    rlimit limit {};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return -1;
    if (limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &limit) != 0)
            getrlimit(RLIMIT_NOFILE, &limit);
    }
    return long(limit.rlim_cur);
}

static_assert(std::atomic<long>::is_always_lock_free && std::atomic<qint64>::is_always_lock_free
                      && std::atomic<int>::is_always_lock_free && std::atomic<bool>::is_always_lock_free,
              "the load's flags are shared between processes");

// The load: plain sockets in a process of its own, so that the GUI thread
// measured here does nothing but the window's own work. It lives in shared
// memory: the window sets the parameters and the flags it owns, the load
// process the others.
struct Load
{
    // Set by the window before it says Run.
    int clients = 1000;
    int rate = 20000;
    double duration = 10;
    quint16 port = 0;
    bool storm = false;
    int stormBase = 100;
    double stormAfter = 1;

    // The window's.
    enum Command { Wait, Run, Quit };
    std::atomic<int> command { Wait };
    std::atomic<bool> go { false };        // the table holds the first connections: flood
    std::atomic<bool> release { false };   // the window has what it needs: close everything
    // The load's.
    std::atomic<bool> connected { false };       // the first connections are made
    std::atomic<int> established { 0 };          // connections made, so far
    std::atomic<qint64> stormStartMs { -1 };     // nowMs() just before the first storm connect
    std::atomic<bool> stormResolved { false };   // every connect has succeeded or failed
    std::atomic<bool> done { false };
    std::atomic<long> sent { 0 };
    std::atomic<int> failed { 0 };          // connects and sends that failed
    std::atomic<int> connectFailed { 0 };   // of which connects

    void run()
    {
        std::vector<int> fds;
        fds.reserve(size_t(clients));
        sockaddr_in addr {};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(port);
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        const auto connectFailure = [this](int fd) {
            failed.fetch_add(1);
            connectFailed.fetch_add(1);
            if (fd >= 0)
                ::close(fd);
        };
        const auto add = [&fds, this](int fd) {
            const int one = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            fds.push_back(fd);
            established.store(int(fds.size()));
        };

        const int first = storm ? std::min(stormBase, clients) : clients;
        for (int i = 0; i < first; ++i) {
            const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
            if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0) {
                connectFailure(fd);
                continue;
            }
            add(fd);
        }
        connected = true;
        while (!go && !release)   // the window says when its table holds them
            std::this_thread::sleep_for(std::chrono::milliseconds(1));

        // Paced in 10 ms steps, round-robin over the clients; the welcome lines are never read.
        const auto start = Clock::now();
        const auto elapsed = [&start] { return std::chrono::duration<double>(Clock::now() - start).count(); };
        const long total = long(rate * duration);
        size_t next = 0;
        char line[96];
        const auto sendDue = [&] {
            const long due = std::min(total, long(elapsed() * rate));
            while (sent < due && !fds.empty()) {
                const long n = sent;
                const int length = std::snprintf(line, sizeof line, "sensor %06ld temp=23.%ld hum=4%ld\n", n, n % 10, n % 7);
                if (::send(fds[next], line, size_t(length), MSG_NOSIGNAL) != length)
                    failed.fetch_add(1);
                next = (next + 1) % fds.size();
                sent.fetch_add(1);
            }
        };

        // The storm: every other client at once, non-blocking, the flood going on between connects.
        std::vector<pollfd> pending;
        bool stormIssued = !storm || first == clients;
        stormResolved = stormIssued;
        double stormDeadline = 0;
        const auto burst = [&] {
            stormStartMs = nowMs();
            for (int i = first; i < clients; ++i) {
                const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
                if (fd < 0) {
                    connectFailure(fd);
                } else if (::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0) {
                    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
                    add(fd);
                } else if (errno == EINPROGRESS) {
                    pending.push_back({ fd, POLLOUT, 0 });
                } else {
                    connectFailure(fd);
                }
                if ((i - first) % 64 == 63)
                    sendDue();
            }
            stormDeadline = elapsed() + 30;   // the kernel would retry a lost SYN for two minutes
        };
        // Connects that have finished join the flood (blocking again, as the first ones).
        const auto resolve = [&] {
            if (::poll(pending.data(), nfds_t(pending.size()), 0) < 0)
                return;
            const bool late = elapsed() > stormDeadline;
            std::erase_if(pending, [&](const pollfd &p) {
                if (p.revents == 0) {
                    if (!late)
                        return false;
                    connectFailure(p.fd);
                    return true;
                }
                int error = 0;
                socklen_t size = sizeof error;
                if ((p.revents & POLLOUT) && getsockopt(p.fd, SOL_SOCKET, SO_ERROR, &error, &size) == 0 && error == 0) {
                    fcntl(p.fd, F_SETFL, fcntl(p.fd, F_GETFL) & ~O_NONBLOCK);
                    add(p.fd);
                } else {
                    connectFailure(p.fd);
                }
                return true;
            });
            if (pending.empty())
                stormResolved = true;
        };

        while (!release) {
            if (!stormIssued && elapsed() >= stormAfter) {
                burst();
                stormIssued = true;
                if (pending.empty())
                    stormResolved = true;
            }
            if (!pending.empty())
                resolve();
            const bool connecting = !stormIssued || !pending.empty();
            if (!connecting && (sent >= total || fds.empty()))
                break;
            sendDue();
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        done = true;
        // Keep the connections until the window has counted, sorted and filtered.
        while (!release)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        for (int fd : fds)
            ::close(fd);
        for (const pollfd &p : pending)
            ::close(p.fd);
    }
};

// The load process: forked before the QApplication (one thread, nothing of Qt's yet), it waits for
// the window's Run, runs the load and ends; it dies with the window.
class LoadProcess
{
public:
    LoadProcess()
    {
        void *memory = mmap(nullptr, sizeof(Load), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (memory == MAP_FAILED)
            return;
        m_load = new (memory) Load;
        const pid_t parent = getpid();
        m_pid = fork();
        if (m_pid == 0) {
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (getppid() != parent)
                _exit(0);
            while (m_load->command == Load::Wait)
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            if (m_load->command == Load::Run)
                m_load->run();
            _exit(0);
        }
    }
    ~LoadProcess() { finish(); }
    LoadProcess(const LoadProcess &) = delete;
    LoadProcess &operator=(const LoadProcess &) = delete;

    bool isValid() const { return m_load && m_pid > 0; }
    Load *load() const { return m_load; }
    void start() { m_load->command = Load::Run; }
    /** Lets the load close its sockets and end; waits for it. */
    void finish()
    {
        if (!isValid())
            return;
        int expected = Load::Wait;
        m_load->command.compare_exchange_strong(expected, Load::Quit);
        m_load->release = true;
        waitpid(m_pid, nullptr, 0);
        m_pid = -1;
    }

private:
    Load *m_load = nullptr;
    pid_t m_pid = -1;
};

// Counts the paints of a widget.
class PaintCounter : public QObject
{
public:
    explicit PaintCounter(QWidget *widget)
        : QObject(widget)
    {
        widget->installEventFilter(this);
    }
    int paints = 0;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::Paint)
            ++paints;
        return QObject::eventFilter(watched, event);
    }
};

/**
 * Milliseconds that @p work takes, with the events it posts (a relayout) served and the
 * view's rows painted once: what a user waits for. Qt may defer a repaint to a later
 * pass (QWindow::requestUpdate); then it is done here.
 */
template <typename Work>
double timed(QTableView *view, PaintCounter *counter, Work work)
{
    QElapsedTimer timer;
    timer.start();
    counter->paints = 0;
    work();
    QCoreApplication::processEvents();
    if (counter->paints == 0 && view->isVisible())
        view->viewport()->repaint();
    return double(timer.nsecsElapsed()) / 1e6;
}

QString columnName(int column)
{
    QString name = QString::fromLatin1(QMetaEnum::fromType<ClientTableModel::Column>().valueToKey(column));
    if (name.endsWith(u"Column"_s))
        name.chop(6);
    return name;
}

} // namespace

int main(int argc, char *argv[])
{
    // Before anything else: the load process inherits the raised limit and nothing of Qt's.
    const long descriptors = raiseDescriptorLimit();
    LoadProcess loader;
    if (!loader.isValid()) {
        std::fprintf(stderr, "spread-window-bench: cannot start the load process\n");
        return 1;
    }
    Load &load = *loader.load();

    QStandardPaths::setTestModeEnabled(true);   // never the user's saved settings
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"spread-window-bench"_s);

    QCommandLineParser parser;
    parser.setApplicationDescription(u"The server window under a flood: the longest GUI stall, memory, counts, "
                                     "sorting and filtering the client table. Offscreen unless QT_QPA_PLATFORM is set "
                                     "(under Xvfb: QT_QPA_PLATFORM=xcb xvfb-run -a ...)."_s);
    parser.addHelpOption();
    parser.addOptions({
        { u"clients"_s, u"Connections sending (default 1000)."_s, u"n"_s, u"1000"_s },
        { u"rate"_s, u"Messages per second, all clients together (default 20000)."_s, u"r"_s, u"20000"_s },
        { u"duration"_s, u"Seconds of flood (default 10)."_s, u"s"_s, u"10"_s },
        { u"log-cap"_s, u"Log entries kept by the window (default 100000)."_s, u"n"_s, u"100000"_s },
        { u"connect-storm"_s, u"Flood from --storm-base clients; the others connect in one burst during the flood."_s },
        { u"storm-base"_s, u"With --connect-storm: clients connected before the flood (default 100)."_s, u"n"_s, u"100"_s },
        { u"storm-after"_s, u"With --connect-storm: seconds of flood before the burst (default 1)."_s, u"s"_s, u"1"_s },
    });
    parser.process(app);

    load.clients = parser.value(u"clients"_s).toInt();
    load.rate = parser.value(u"rate"_s).toInt();
    load.duration = parser.value(u"duration"_s).toDouble();
    load.storm = parser.isSet(u"connect-storm"_s);
    load.stormBase = parser.value(u"storm-base"_s).toInt();
    load.stormAfter = parser.value(u"storm-after"_s).toDouble();
    const int logCap = parser.value(u"log-cap"_s).toInt();
    if (load.clients <= 0 || load.rate <= 0 || load.duration <= 0 || logCap <= 0 || load.stormBase <= 0
        || load.stormAfter < 0 || (load.storm && load.stormAfter >= load.duration)) {
        std::fprintf(stderr, "spread-window-bench: bad value (see --help)\n");
        return 2;
    }
    if (descriptors >= 0 && descriptors < load.clients + 256)
        std::fprintf(stderr, "spread-window-bench: warning: %ld descriptors allowed, %d clients\n", descriptors, load.clients);

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
    ClientTableModel *table = window.clientModel();

    quint64 received = 0;
    QObject::connect(window.server(), &SpreadServer::messageReceived, &window, [&received] { ++received; });

    // The probe: how late is a 10 ms timer served? Each delay belongs to the storm when the
    // interval it ends overlaps the storm, else to the flood.
    constexpr int TICK_MS = 10;
    constexpr int STORM_TAIL_MS = 500;
    qint64 last = 0;
    qint64 maxLate = 0;
    qint64 maxLateStorm = -1;
    qint64 maxLateFlood = 0;
    qint64 stormFullMs = -1;   // when the table first held every client of the storm
    std::vector<qint64> lates;
    bool measuring = false;
    long rssAtClients = -1;
    long rssAtBase = -1;
    QTimer probe;
    probe.setTimerType(Qt::PreciseTimer);
    probe.setInterval(TICK_MS);
    QObject::connect(&probe, &QTimer::timeout, &window, [&] {
        const qint64 now = nowMs();
        const qint64 stormStart = load.stormStartMs;
        if (measuring) {
            const qint64 late = std::max<qint64>(0, now - last - TICK_MS);
            maxLate = std::max(maxLate, late);
            lates.push_back(late);
            const bool inStorm = stormStart >= 0 && now > stormStart && (stormFullMs < 0 || last < stormFullMs + STORM_TAIL_MS);
            qint64 &phaseMax = inStorm ? maxLateStorm : maxLateFlood;
            phaseMax = std::max(phaseMax, late);
        }
        last = now;
        if (stormStart >= 0 && stormFullMs < 0 && load.stormResolved && table->rowCount() >= load.established) {
            stormFullMs = now;
            rssAtClients = rssKiB();
        }
    });

    const long rssStart = rssKiB();
    long rssMax = rssStart;
    loader.start();
    QElapsedTimer phase;
    phase.start();
    const qint64 expected = qint64(load.rate * load.duration);
    bool finished = false;
    QEventLoop run;   // not QCoreApplication::quit(): in Qt 6 it closes the windows, and the table is timed after the run
    QTimer watch;   // starts the flood and the probe once the table holds the clients, ends the run when all is counted
    QObject::connect(&watch, &QTimer::timeout, &window, [&] {
        rssMax = std::max(rssMax, rssKiB());
        if (!measuring && load.connected && (table->rowCount() >= load.established || phase.elapsed() > 60000)) {
            (load.storm ? rssAtBase : rssAtClients) = rssKiB();
            measuring = true;
            last = nowMs();
            probe.start();
            load.go = true;
        }
        const bool allIn = load.done && qint64(received) >= load.sent.load() && table->rowCount() >= load.established;
        if ((allIn && window.logModel()->pendingCount() == 0)
            || phase.elapsed() > qint64((load.duration + load.stormAfter) * 1000) + 60000) {
            finished = allIn;
            run.quit();
        }
    });
    watch.start(100);
    run.exec();
    probe.stop();
    watch.stop();
    const long rssAfterFlood = rssKiB();

    // What the window itself shows: the client table's "Msgs in", summed.
    table->refresh();
    quint64 tableIn = 0;
    for (int row = 0; row < table->rowCount(); ++row)
        tableIn += table->index(row, ClientTableModel::MessagesInColumn).data(ClientTableModel::SortRole).toULongLong();
    const int tableRows = table->rowCount();
    const int established = load.established;

    // The full table, every client still connected: sort by each column both ways, and
    // what a refresh of the counters costs (every 500 ms) when sorted by a live column.
    auto *view = window.findChild<QTableView *>(u"clientView"_s);
    double sortMax = -1;
    int sortMaxColumn = -1;
    Qt::SortOrder sortMaxOrder = Qt::AscendingOrder;
    QString sortTimes;
    bool sortedRight = true;
    double refreshMs = -1;
    double refreshSortedMs = -1;
    PaintCounter *paints = view ? new PaintCounter(view->viewport()) : nullptr;
    if (view) {
        refreshMs = timed(view, paints, [table] { table->refresh(); });
        for (int column = 0; column < ClientTableModel::ColumnCount; ++column) {
            sortTimes += u" "_s + columnName(column);
            for (const Qt::SortOrder order : { Qt::DescendingOrder, Qt::AscendingOrder }) {
                const double ms = timed(view, paints, [view, column, order] { view->sortByColumn(column, order); });
                // Sorted? The numeric columns' ends, in the table's own sort values.
                const QAbstractItemModel *shown = view->model();
                const QVariant first = shown->index(0, column).data(ClientTableModel::SortRole);
                const QVariant last = shown->index(shown->rowCount() - 1, column).data(ClientTableModel::SortRole);
                if (shown->rowCount() > 1 && first.typeId() != QMetaType::QString && first.canConvert<double>()
                    && (order == Qt::AscendingOrder ? first.toDouble() > last.toDouble() : first.toDouble() < last.toDouble()))
                    sortedRight = false;
                sortTimes += (order == Qt::DescendingOrder ? u" "_s : u"/"_s) + QString::number(ms, 'f', 1);
                if (ms > sortMax) {
                    sortMax = ms;
                    sortMaxColumn = column;
                    sortMaxOrder = order;
                }
            }
        }
        view->sortByColumn(ClientTableModel::MessagesInColumn, Qt::DescendingOrder);
        QCoreApplication::processEvents();
        refreshSortedMs = timed(view, paints, [table] { table->refresh(); });
        view->sortByColumn(ClientTableModel::IdColumn, Qt::AscendingOrder);   // the window's own order
        QCoreApplication::processEvents();
    }

    // The client filter, applied on textChanged: the time from setText() to its return, events served.
    auto *filterEdit = window.findChild<QLineEdit *>(u"clientFilterEdit"_s);
    double filterMax = -1;
    QString filterTimes;
    bool filterRowsRight = true;
    if (filterEdit && view) {
        const QAbstractItemModel *shown = view->model();
        struct Filter
        {
            QString text;
            int rows;   // expected; -1: not checked
        };
        const Filter filters[] = {
            { u"127.0.0.0/8"_s, tableRows },
            { u"no-such-text"_s, 0 },
            { u"#5000"_s, -1 },
            { QString(), tableRows },
        };
        for (const Filter &filter : filters) {
            const double ms = timed(view, paints, [filterEdit, &filter] { filterEdit->setText(filter.text); });
            const int rows = shown->rowCount();
            filterMax = std::max(filterMax, ms);
            filterTimes += u" \""_s + filter.text + u"\" "_s + QString::number(ms, 'f', 1) + u" ms, "_s
                    + QString::number(rows) + u" rows;"_s;
            if (filter.rows >= 0 && rows != filter.rows)
                filterRowsRight = false;
        }
    }

    loader.finish();   // the load closes its sockets

    std::sort(lates.begin(), lates.end());
    const auto pct = [&lates](double p) { return lates.empty() ? 0 : lates[size_t(p * double(lates.size() - 1))]; };
    const auto msText = [](double ms) { return ms < 0 ? u"n/a"_s : QString::number(ms, 'f', 1); };
    const auto stallText = [](qint64 ms) { return ms < 0 ? u"n/a"_s : QString::number(ms); };
    const int rows = window.logModel()->rowCount();
    const long rssEnd = rssKiB();
    std::printf("mode=window clients=%d rate=%d duration_s=%.1f sent=%ld expected=%lld received=%llu send_failures=%d "
                "max_stall_ms=%lld p99_late_ms=%lld p50_late_ms=%lld ticks=%zu log_rows=%d log_cap=%d log_dropped=%llu "
                "rss_start_kib=%ld rss_max_kib=%ld rss_end_kib=%ld table_rows=%d table_msgs_in=%llu",
                load.clients, load.rate, load.duration, load.sent.load(), static_cast<long long>(expected),
                static_cast<unsigned long long>(received), load.failed.load(), static_cast<long long>(maxLate),
                static_cast<long long>(pct(0.99)), static_cast<long long>(pct(0.5)), lates.size(), rows, logCap,
                static_cast<unsigned long long>(window.logModel()->droppedCount()), rssStart, rssMax, rssEnd,
                tableRows, static_cast<unsigned long long>(tableIn));
    std::printf(" platform=%s connect_storm=%s storm_base=%d connect_failures=%d max_stall_storm_ms=%s max_stall_flood_ms=%lld "
                "storm_fill_ms=%s rss_kib_at_base=%s rss_kib_at_clients=%ld rss_after_flood_kib=%ld "
                "sort_max_ms=%s sort_max_column=%s sort_max_order=%s filter_max_ms=%s refresh_ms=%s refresh_sorted_ms=%s client_view_shown=%s\n",
                qPrintable(QGuiApplication::platformName()), load.storm ? "yes" : "no",
                load.storm ? std::min(load.stormBase, load.clients) : load.clients, load.connectFailed.load(),
                qPrintable(stallText(load.storm ? maxLateStorm : -1)), static_cast<long long>(maxLateFlood),
                qPrintable(stallText(stormFullMs < 0 ? -1 : stormFullMs - load.stormStartMs)),
                qPrintable(rssAtBase < 0 ? u"n/a"_s : QString::number(rssAtBase)), rssAtClients, rssAfterFlood,
                qPrintable(msText(sortMax)), sortMaxColumn < 0 ? "n/a" : qPrintable(columnName(sortMaxColumn)),
                sortMaxColumn < 0 ? "n/a" : (sortMaxOrder == Qt::AscendingOrder ? "asc" : "desc"),
                qPrintable(msText(filterMax)), qPrintable(msText(refreshMs)), qPrintable(msText(refreshSortedMs)),
                view && view->isVisible() ? "yes" : "no");

    const bool counted = received == quint64(load.sent.load()) && tableIn == received;
    const bool allClients = tableRows == established && established == load.clients;
    const bool ok = finished && counted && allClients && rows <= logCap;
    std::printf("%-28s %s (table: %llu in %d rows)\n", "every message counted:", counted ? "yes" : "NO",
                static_cast<unsigned long long>(tableIn), tableRows);
    std::printf("%-28s %s (%d rows, %d connected of %d)\n", "every client in the table:", allClients ? "yes" : "NO",
                tableRows, established, load.clients);
    std::printf("%-28s %lld ms (target: at most 50)", "longest GUI stall:", static_cast<long long>(maxLate));
    if (load.storm)
        std::printf("; storm %s ms (table full %s ms after the first storm connect), flood %lld ms",
                    qPrintable(stallText(maxLateStorm)), qPrintable(stallText(stormFullMs < 0 ? -1 : stormFullMs - load.stormStartMs)),
                    static_cast<long long>(maxLateFlood));
    std::printf("\n%-28s %d of %d\n", "log rows kept:", rows, logCap);
    std::printf("%-28s %ld -> %ld KiB (max %ld; at clients %ld)\n", "RSS:", rssStart, rssEnd, rssMax, rssAtClients);
    std::printf("%-28s%s (ms, descending/ascending)%s\n", "sort:", view ? qPrintable(sortTimes) : " n/a: no clientView",
                sortedRight ? "" : " (a numeric column NOT sorted as asked)");
    if (filterEdit && view)
        std::printf("%-28s%s%s\n", "filter:", qPrintable(filterTimes), filterRowsRight ? "" : " (rows not as expected: not applied on textChanged?)");
    else
        std::printf("%-28s n/a: no clientFilterEdit in this window\n", "filter:");
    return ok ? 0 : 1;
}
