// SPDX-License-Identifier: MIT
#pragma once

#include <QAbstractEventDispatcher>
#include <QHash>

#include <atomic>
#include <limits>
#include <vector>

/**
 * The console server's event dispatcher: one epoll set for every socket
 * notifier, timers kept in a short list, posted events as Qt sends them.
 *
 * Why: at one message per wake-up, Qt's own dispatchers (glib's and the
 * UNIX one) rebuild and poll() the whole notifier list and walk their
 * timer and source lists on every wake-up; that was about half of the
 * server's user-space instructions per message. Here a wake-up is one
 * epoll_wait() and a lookup per ready descriptor. (SessionEngine already
 * keeps every client in its own epoll set: this only takes away the loop's
 * cost around it.)
 *
 * Semantics follow QEventDispatcherUNIX: level-triggered notifiers, timers
 * before notifiers, never an early timer. A descriptor epoll refuses (a
 * regular file or /dev/null as stdin) is always ready, as poll() says.
 * For the main thread of a console program, installed before its
 * QCoreApplication: QCoreApplication::setEventDispatcher(new EpollEventDispatcher).
 */
class EpollEventDispatcher : public QAbstractEventDispatcher
{
    Q_OBJECT

public:
    explicit EpollEventDispatcher(QObject *parent = nullptr);
    ~EpollEventDispatcher() override;

    bool processEvents(QEventLoop::ProcessEventsFlags flags) override;

    void registerSocketNotifier(QSocketNotifier *notifier) override;
    void unregisterSocketNotifier(QSocketNotifier *notifier) override;

    void registerTimer(int timerId, qint64 interval, Qt::TimerType timerType, QObject *object) override;
    bool unregisterTimer(int timerId) override;
    bool unregisterTimers(QObject *object) override;
    QList<TimerInfo> registeredTimers(QObject *object) const override;
    int remainingTime(int timerId) override;

    void wakeUp() override;
    void interrupt() override;

private:
    /** The notifiers of one descriptor (at most one of each type, as QSocketNotifier allows). */
    struct Watch {
        QSocketNotifier *read = nullptr;
        QSocketNotifier *write = nullptr;
        QSocketNotifier *exception = nullptr;
        bool inEpoll = false;      // false: epoll refused it, always ready
    };
    struct Timer {
        int id = 0;
        qint64 intervalMs = 0;
        Qt::TimerType type = Qt::CoarseTimer;
        QObject *object = nullptr;
        qint64 deadlineNs = 0;     // CLOCK_MONOTONIC
    };

    void updateInterest(int fd, Watch &watch);
    /** Sends QEvent::SockAct to the notifiers of @p fd that @p events make ready; returns how many. */
    int activate(int fd, quint32 events);
    int activateTimers();
    /** Milliseconds until the next timer (rounded up), or -1 if there is none. */
    int timeToNextTimer() const;
    void drainWakeUps();

    int m_epollFd = -1;
    int m_wakeFd = -1;
    QHash<int, Watch> m_watches;
    std::vector<int> m_alwaysReady;
    std::vector<Timer> m_timers;
    qint64 m_nextDeadlineNs = std::numeric_limits<qint64>::max();   // earliest of m_timers, or earlier
    std::atomic<bool> m_interrupted { false };
};
