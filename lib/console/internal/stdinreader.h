// SPDX-License-Identifier: MIT
#pragma once

#include "core/lineframer.h"

#include <QObject>

class QSocketNotifier;

/** Reads lines typed (or piped) on standard input without blocking the event loop. */
class StdinReader : public QObject
{
    Q_OBJECT

public:
    explicit StdinReader(QObject *parent = nullptr);

    /** False if standard input is closed: nothing will ever be read. */
    bool isOpen() const { return m_notifier != nullptr; }

signals:
    void lineRead(const QByteArray &line);
    void finished();

private:
    void onReadable();

    QSocketNotifier *m_notifier = nullptr;
    LineFramer m_framer { 16 * 1024 * 1024 };
};
