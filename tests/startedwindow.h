// SPDX-License-Identifier: MIT
#pragma once

#include "uitest.h"

#include "server/serverwindow.h"

#include <QComboBox>
#include <QPushButton>
#include <QSpinBox>

#include <memory>

namespace UiTest {

/**
 * A server window shown and listening as a user starts it: 127.0.0.1 typed
 * as the bind address, 0 as the port (any free one), Start clicked. Null if
 * it did not show or listen.
 */
inline std::unique_ptr<ServerWindow> startedServerWindow(const ServerOptions &options = ServerOptions())
{
    auto window = std::make_unique<ServerWindow>(options);
    window->show();
    if (!QTest::qWaitForWindowExposed(window.get()))
        return nullptr;
    typeInto(child<QComboBox>(window.get(), "bindCombo"), QStringLiteral("127.0.0.1"));
    typeInto(child<QSpinBox>(window.get(), "portSpin"), QStringLiteral("0"));
    QTest::mouseClick(child<QPushButton>(window.get(), "startButton"), Qt::LeftButton);
    if (!window->server()->isListening())
        return nullptr;
    return window;
}

} // namespace UiTest
