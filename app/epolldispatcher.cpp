// SPDX-License-Identifier: MIT
#include "epolldispatcher.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <limits>

#include <QCoreApplication>
#include <QSocketNotifier>

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace {

constexpr int EVENT_BATCH = 64;
constexpr qint64 NS_PER_MS = 1000 * 1000;

qint64 monotonicNs()
{
    timespec ts {};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return qint64(ts.tv_sec) * 1000 * NS_PER_MS + ts.tv_nsec;
}

} // namespace

EpollEventDispatcher::EpollEventDispatcher(QObject *parent)
    : QAbstractEventDispatcher(parent)
{
    m_epollFd = epoll_create1(EPOLL_CLOEXEC);
    m_wakeFd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (m_epollFd < 0 || m_wakeFd < 0)
        qFatal("EpollEventDispatcher: %s", strerror(errno));
    epoll_event event {};
    event.events = EPOLLIN;
    event.data.fd = m_wakeFd;
    if (epoll_ctl(m_epollFd, EPOLL_CTL_ADD, m_wakeFd, &event) != 0)
        qFatal("EpollEventDispatcher: epoll_ctl: %s", strerror(errno));
}

EpollEventDispatcher::~EpollEventDispatcher()
{
    ::close(m_wakeFd);
    ::close(m_epollFd);
}

bool EpollEventDispatcher::processEvents(QEventLoop::ProcessEventsFlags flags)
{
    m_interrupted.store(false, std::memory_order_relaxed);
    emit awake();
    QCoreApplication::sendPostedEvents();

    const bool wait = (flags & QEventLoop::WaitForMoreEvents) && !m_interrupted.load(std::memory_order_relaxed);
    const bool withTimers = !(flags & QEventLoop::X11ExcludeTimers);
    const bool withNotifiers = !(flags & QEventLoop::ExcludeSocketNotifiers);
    int timeout = 0;
    if (wait && (m_alwaysReady.empty() || !withNotifiers))
        timeout = withTimers ? timeToNextTimer() : -1;
    // A posted event or interrupt() from here on writes the eventfd: the wait below returns at once.
    if (timeout != 0)
        emit aboutToBlock();
    epoll_event events[EVENT_BATCH];
    int n = epoll_wait(m_epollFd, events, EVENT_BATCH, timeout);
    if (n < 0)
        n = 0;   // EINTR: a signal, handled through its own descriptor

    int handled = 0;
    if (withTimers)
        handled += activateTimers();
    for (int i = 0; i < n; ++i) {
        const int fd = events[i].data.fd;
        if (fd == m_wakeFd) {
            drainWakeUps();
            ++handled;
        } else if (withNotifiers) {
            handled += activate(fd, events[i].events);
        }
    }
    if (withNotifiers) {
        const std::vector<int> ready = m_alwaysReady;   // a handler may unregister while we walk
        for (int fd : ready)
            handled += activate(fd, EPOLLIN | EPOLLOUT);
    }
    return handled > 0;
}

int EpollEventDispatcher::activate(int fd, quint32 events)
{
    // Looked up again before each notifier: the one before may have unregistered the others.
    const auto notify = [this, fd](QSocketNotifier *Watch::*which) {
        const auto it = m_watches.constFind(fd);
        QSocketNotifier *notifier = it == m_watches.cend() ? nullptr : it.value().*which;
        if (!notifier)
            return 0;
        QEvent event(QEvent::SockAct);
        QCoreApplication::sendEvent(notifier, &event);
        return 1;
    };
    int count = 0;
    // As poll() reports them to QEventDispatcherUNIX: an error or hang-up wakes readers and writers.
    if (events & (EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP))
        count += notify(&Watch::read);
    if (events & (EPOLLOUT | EPOLLHUP | EPOLLERR))
        count += notify(&Watch::write);
    if (events & EPOLLPRI)
        count += notify(&Watch::exception);
    return count;
}

void EpollEventDispatcher::registerSocketNotifier(QSocketNotifier *notifier)
{
    const int fd = int(notifier->socket());
    Watch &watch = m_watches[fd];
    switch (notifier->type()) {
    case QSocketNotifier::Read:
        watch.read = notifier;
        break;
    case QSocketNotifier::Write:
        watch.write = notifier;
        break;
    case QSocketNotifier::Exception:
        watch.exception = notifier;
        break;
    }
    updateInterest(fd, watch);
}

void EpollEventDispatcher::unregisterSocketNotifier(QSocketNotifier *notifier)
{
    const int fd = int(notifier->socket());
    const auto it = m_watches.find(fd);
    if (it == m_watches.end())
        return;
    Watch &watch = it.value();
    for (QSocketNotifier **slot : { &watch.read, &watch.write, &watch.exception }) {
        if (*slot == notifier)
            *slot = nullptr;
    }
    updateInterest(fd, watch);
    if (!watch.read && !watch.write && !watch.exception)
        m_watches.erase(it);
}

void EpollEventDispatcher::updateInterest(int fd, Watch &watch)
{
    epoll_event event {};
    event.data.fd = fd;
    if (watch.read)
        event.events |= EPOLLIN;
    if (watch.write)
        event.events |= EPOLLOUT;
    if (watch.exception)
        event.events |= EPOLLPRI;

    const auto alwaysReady = std::find(m_alwaysReady.begin(), m_alwaysReady.end(), fd);
    if (event.events == 0) {
        if (watch.inEpoll)
            epoll_ctl(m_epollFd, EPOLL_CTL_DEL, fd, nullptr);   // fails harmlessly if the descriptor is already closed
        watch.inEpoll = false;
        if (alwaysReady != m_alwaysReady.end())
            m_alwaysReady.erase(alwaysReady);
        return;
    }
    if (alwaysReady != m_alwaysReady.end())
        return;
    // The descriptor may have been closed and its number reused since we last saw it: try both ways.
    int rc = epoll_ctl(m_epollFd, watch.inEpoll ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &event);
    if (rc != 0 && errno == ENOENT)
        rc = epoll_ctl(m_epollFd, EPOLL_CTL_ADD, fd, &event);
    else if (rc != 0 && errno == EEXIST)
        rc = epoll_ctl(m_epollFd, EPOLL_CTL_MOD, fd, &event);
    if (rc == 0) {
        watch.inEpoll = true;
    } else if (errno == EPERM) {
        watch.inEpoll = false;
        m_alwaysReady.push_back(fd);   // a regular file: poll() would call it ready, always
    } else {
        qWarning("EpollEventDispatcher: cannot watch descriptor %d: %s", fd, strerror(errno));
    }
}

void EpollEventDispatcher::registerTimer(int timerId, qint64 interval, Qt::TimerType timerType, QObject *object)
{
    const qint64 deadline = monotonicNs() + interval * NS_PER_MS;
    m_timers.push_back({ timerId, interval, timerType, object, deadline });
    m_nextDeadlineNs = std::min(m_nextDeadlineNs, deadline);
}

bool EpollEventDispatcher::unregisterTimer(int timerId)
{
    const auto it = std::find_if(m_timers.begin(), m_timers.end(), [timerId](const Timer &t) { return t.id == timerId; });
    if (it == m_timers.end())
        return false;
    m_timers.erase(it);
    return true;
}

bool EpollEventDispatcher::unregisterTimers(QObject *object)
{
    const auto before = m_timers.size();
    std::erase_if(m_timers, [object](const Timer &t) { return t.object == object; });
    return m_timers.size() != before;
}

QList<QAbstractEventDispatcher::TimerInfo> EpollEventDispatcher::registeredTimers(QObject *object) const
{
    QList<TimerInfo> timers;
    for (const Timer &t : m_timers) {
        if (t.object == object)
            timers.append(TimerInfo(t.id, int(t.intervalMs), t.type));
    }
    return timers;
}

int EpollEventDispatcher::remainingTime(int timerId)
{
    const auto it = std::find_if(m_timers.cbegin(), m_timers.cend(), [timerId](const Timer &t) { return t.id == timerId; });
    if (it == m_timers.cend())
        return -1;
    const qint64 left = it->deadlineNs - monotonicNs();
    return left <= 0 ? 0 : int((left + NS_PER_MS - 1) / NS_PER_MS);
}

int EpollEventDispatcher::timeToNextTimer() const
{
    if (m_timers.empty())
        return -1;
    const qint64 left = m_nextDeadlineNs - monotonicNs();
    if (left <= 0)
        return 0;
    return int(std::min<qint64>((left + NS_PER_MS - 1) / NS_PER_MS, std::numeric_limits<int>::max()));
}

int EpollEventDispatcher::activateTimers()
{
    if (m_timers.empty())
        return 0;
    const qint64 now = monotonicNs();
    if (now < m_nextDeadlineNs)
        return 0;   // the common wake-up: a descriptor, no timer due
    // Each due timer fires once per call; its handler may stop it, or start and stop others.
    // Its deadline moves on before its handler runs: a nested event loop there fires it
    // again only an interval later.
    std::vector<int> due;
    for (const Timer &t : m_timers) {
        if (t.deadlineNs <= now)
            due.push_back(t.id);
    }
    int fired = 0;
    for (int id : due) {
        const auto it = std::find_if(m_timers.begin(), m_timers.end(), [id](const Timer &t) { return t.id == id; });
        if (it == m_timers.end())
            continue;
        // As QTimerInfoList does: the next deadline from the last one, or from now if it fell behind.
        it->deadlineNs += it->intervalMs * NS_PER_MS;
        if (it->deadlineNs <= now)
            it->deadlineNs = now + it->intervalMs * NS_PER_MS;
        QObject *object = it->object;
        QTimerEvent event(id);
        QCoreApplication::sendEvent(object, &event);
        ++fired;
    }
    // Stopped timers may leave it earlier than needed: that costs one early check, never a late timer.
    m_nextDeadlineNs = std::numeric_limits<qint64>::max();
    for (const Timer &t : m_timers)
        m_nextDeadlineNs = std::min(m_nextDeadlineNs, t.deadlineNs);
    return fired;
}

void EpollEventDispatcher::wakeUp()
{
    const eventfd_t one = 1;
    eventfd_write(m_wakeFd, one);   // thread-safe; a full counter is still a wake-up
}

void EpollEventDispatcher::interrupt()
{
    m_interrupted.store(true, std::memory_order_relaxed);
    wakeUp();
}

void EpollEventDispatcher::drainWakeUps()
{
    eventfd_t value = 0;
    eventfd_read(m_wakeFd, &value);
}
