// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QObject>

class QSocketNotifier;

/**
 * Turns Unix signals (SIGINT, SIGTERM, ...) into a Qt signal on the event
 * loop: the handler only writes the signal number to a socket pair.
 * One instance per process.
 */
class SignalWatcher : public QObject
{
    Q_OBJECT

public:
    explicit SignalWatcher(const QList<int> &signalNumbers, QObject *parent = nullptr);
    /** The signals that ask a console program to stop: SIGINT, SIGTERM, SIGHUP. */
    static QList<int> stopSignals();
    ~SignalWatcher() override;

signals:
    void received(int signalNumber);

private:
    void onReadable();

    QSocketNotifier *m_notifier = nullptr;
    QList<int> m_signals;
};
