// SPDX-License-Identifier: MIT
// The console server's event dispatcher (app/epolldispatcher.h) as Qt code
// uses it: timers in order and never early, repeating and stopped timers,
// socket notifiers on a socket pair and on a regular file, posted events
// from another thread waking a loop that has nothing else to do, interrupt.
// The whole suite runs on it: it is installed before the QCoreApplication.
#include "epolldispatcher.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QSocketNotifier>
#include <QTemporaryFile>
#include <QTest>
#include <QTimer>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <sys/socket.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

class tst_EpollDispatcher : public QObject
{
    Q_OBJECT

private slots:
    void itIsTheDispatcher();
    void timersFireInOrderAndNeverEarly();
    void aStoppedTimerStops();
    void registeredTimersAreListed();
    void notifiersOnASocketPair();
    void aRegularFileIsAlwaysReady();
    void anotherThreadWakesAnIdleLoop();
    void interruptEndsAWait();
};

void tst_EpollDispatcher::itIsTheDispatcher()
{
    QVERIFY(qobject_cast<EpollEventDispatcher *>(QAbstractEventDispatcher::instance()));
}

void tst_EpollDispatcher::timersFireInOrderAndNeverEarly()
{
    QList<int> order;
    QList<qint64> at;
    QElapsedTimer clock;
    clock.start();
    for (int ms : { 60, 20, 40, 0 }) {
        QTimer::singleShot(ms, Qt::PreciseTimer, this, [&, ms] {
            order.append(ms);
            at.append(clock.elapsed());
        });
    }
    QTRY_COMPARE(order.size(), 4);
    QCOMPARE(order, (QList<int> { 0, 20, 40, 60 }));
    for (qsizetype i = 0; i < order.size(); ++i)
        QVERIFY2(at.at(i) >= order.at(i), qPrintable(u"%1 ms timer after %2 ms"_s.arg(order.at(i)).arg(at.at(i))));
}

void tst_EpollDispatcher::aStoppedTimerStops()
{
    QTimer repeating;
    repeating.setInterval(5);
    int ticks = 0;
    connect(&repeating, &QTimer::timeout, this, [&] {
        if (++ticks == 5)
            repeating.stop();
    });
    repeating.start();
    QTRY_COMPARE(ticks, 5);
    QVERIFY(!repeating.isActive());
    // A later timer fires, and the stopped one has not come back meanwhile.
    QTimer later;
    later.setSingleShot(true);
    QSignalSpy fired(&later, &QTimer::timeout);
    later.start(50);
    QVERIFY(fired.wait(2000));
    QCOMPARE(ticks, 5);
}

void tst_EpollDispatcher::registeredTimersAreListed()
{
    QAbstractEventDispatcher *dispatcher = QAbstractEventDispatcher::instance();
    QObject owner;
    const int id = owner.startTimer(10000);
    QVERIFY(id > 0);
    const auto timers = dispatcher->registeredTimers(&owner);
    QCOMPARE(timers.size(), 1);
    QCOMPARE(timers.first().timerId, id);
    QCOMPARE(timers.first().interval, 10000);
    const int remaining = dispatcher->remainingTime(id);
    QVERIFY2(remaining > 9000 && remaining <= 10000, qPrintable(QString::number(remaining)));
    owner.killTimer(id);
    QVERIFY(dispatcher->registeredTimers(&owner).isEmpty());
    QCOMPARE(dispatcher->remainingTime(id), -1);
}

void tst_EpollDispatcher::notifiersOnASocketPair()
{
    int pair[2];
    QCOMPARE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, pair), 0);
    QSocketNotifier readable(pair[0], QSocketNotifier::Read);
    QSocketNotifier writable(pair[0], QSocketNotifier::Write);
    QByteArray got;
    connect(&readable, &QSocketNotifier::activated, this, [&] {
        char buffer[64];
        ssize_t n;
        while ((n = ::read(pair[0], buffer, sizeof buffer)) > 0)
            got.append(buffer, n);
    });
    QSignalSpy canWrite(&writable, &QSocketNotifier::activated);
    QVERIFY(canWrite.wait(2000));   // an empty socket is writable at once
    writable.setEnabled(false);     // level-triggered: else it fires on every pass
    QCOMPARE(::write(pair[1], "ping", 4), ssize_t(4));
    QTRY_COMPARE(got, "ping"_ba);
    // Disabled, it says nothing; enabled again, it says what came meanwhile.
    readable.setEnabled(false);
    QCOMPARE(::write(pair[1], "pong", 4), ssize_t(4));
    QTimer later;
    later.setSingleShot(true);
    QSignalSpy fired(&later, &QTimer::timeout);
    later.start(50);
    QVERIFY(fired.wait(2000));
    QCOMPARE(got, "ping"_ba);
    readable.setEnabled(true);
    QTRY_COMPARE(got, "pingpong"_ba);
    // Write notifiers again after their read sibling: both on one descriptor.
    canWrite.clear();
    writable.setEnabled(true);
    QVERIFY(canWrite.wait(2000));
    writable.setEnabled(false);
    ::close(pair[0]);
    ::close(pair[1]);
}

void tst_EpollDispatcher::aRegularFileIsAlwaysReady()
{
    // epoll refuses regular files; poll() calls them always ready, and so does the dispatcher.
    QTemporaryFile file;
    QVERIFY(file.open());
    QVERIFY(file.write("line\n") == 5);
    QVERIFY(file.flush());
    QSocketNotifier notifier(file.handle(), QSocketNotifier::Read);
    QSignalSpy ready(&notifier, &QSocketNotifier::activated);
    QVERIFY(ready.wait(2000));
    notifier.setEnabled(false);
}

namespace {
// Ends a wait the dispatcher failed to end, after a while, so that a broken
// wake-up fails the test instead of hanging it. Done early when told.
class Watchdog
{
public:
    explicit Watchdog(QAbstractEventDispatcher *dispatcher)
        : m_thread([this, dispatcher] {
            std::unique_lock lock(m_mutex);
            if (!m_done.wait_for(lock, std::chrono::seconds(3), [this] { return m_finished; }))
                dispatcher->wakeUp();
        })
    {
    }
    ~Watchdog()
    {
        {
            const std::lock_guard lock(m_mutex);
            m_finished = true;
        }
        m_done.notify_one();
        m_thread.join();
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_done;
    bool m_finished = false;
    std::thread m_thread;
};
} // namespace

// A wait with nothing due (no timer, no ready descriptor) ends only when
// another thread posts an event (wakeUp) or interrupts: each is tried alone.
void tst_EpollDispatcher::anotherThreadWakesAnIdleLoop()
{
    QAbstractEventDispatcher *dispatcher = QAbstractEventDispatcher::instance();
    // A loop that quit earlier (QSignalSpy::wait's) left its wake-up behind: taken first.
    dispatcher->processEvents(QEventLoop::AllEvents);
    bool called = false;
    Watchdog watchdog(dispatcher);
    std::thread poster([this, &called] {
        // Long enough for the main thread to be inside epoll_wait: a stimulus, not a wait.
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        QMetaObject::invokeMethod(this, [&called] { called = true; }, Qt::QueuedConnection);
    });
    // As Qt's own dispatchers: the wait returns at the wake-up, and the event is
    // sent at the start of the next pass (QEventLoop makes one at once).
    QElapsedTimer clock;
    clock.start();
    dispatcher->processEvents(QEventLoop::WaitForMoreEvents);
    const qint64 waited = clock.elapsed();
    poster.join();
    QVERIFY2(waited >= 40 && waited < 1500, qPrintable(QString::number(waited)));
    dispatcher->processEvents(QEventLoop::AllEvents);
    QVERIFY(called);
}

void tst_EpollDispatcher::interruptEndsAWait()
{
    QAbstractEventDispatcher *dispatcher = QAbstractEventDispatcher::instance();
    dispatcher->processEvents(QEventLoop::AllEvents);
    Watchdog watchdog(dispatcher);
    std::thread interrupter([dispatcher] {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        dispatcher->interrupt();
    });
    QElapsedTimer clock;
    clock.start();
    dispatcher->processEvents(QEventLoop::WaitForMoreEvents);   // returns at the interrupt
    const qint64 waited = clock.elapsed();
    interrupter.join();
    QVERIFY2(waited >= 40 && waited < 1500, qPrintable(QString::number(waited)));
}

int main(int argc, char *argv[])
{
    QCoreApplication::setEventDispatcher(new EpollEventDispatcher);
    QCoreApplication app(argc, argv);
    tst_EpollDispatcher test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_epolldispatcher.moc"
