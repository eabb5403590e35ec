// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QVariant>
#include <QWidget>

#include "console/options.h"
#include "core/spreadserver.h"

class FramingEdit;
class QCheckBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QSettings;
class QSpinBox;

/**
 * The value a window shows for one setting: the command line's if it set
 * @p option explicitly, else the settings file's @p key, else the command
 * line's default @p fromOptions.
 */
QVariant explicitOrSaved(const ServerOptions &options, const QSettings &settings, const QString &option,
                         const QString &key, const QVariant &fromOptions);

/**
 * The server window's "Server settings" tab: relay, welcome, the framing,
 * the limits (clients, message, backlog, flush, per address) and the
 * allow-list.
 *
 * It holds no server: every change it accepts is told by settingsChanged(),
 * with the whole SpreadServer::Settings, and the window applies them. A
 * field it does not accept (an allow-list that is not one) is marked, said
 * by statusMessagePosted(), and left out of the settings: so is a framing
 * whose frames do not fit the longest message (FramingEdit says why).
 */
class ServerSettingsPanel : public QWidget
{
    Q_OBJECT

public:
    explicit ServerSettingsPanel(QWidget *parent = nullptr);

    /**
     * Fills the controls from @p settings (the window's group of the
     * settings file); what @p options set explicitly wins. Fields the panel
     * does not show keep the values of options.settings. Ends with
     * settingsChanged(), like any change.
     */
    void load(const ServerOptions &options, const QSettings &settings);
    /** Writes the settings last told by settingsChanged() into @p settings (the window's group). */
    void save(QSettings &settings) const;

    /** The settings last told by settingsChanged(). */
    SpreadServer::Settings settings() const { return m_settings; }

    /** The controls in tab order, for the window's tab chain. */
    QList<QWidget *> focusChain() const;

signals:
    /** The controls changed: the server's settings as they now read. */
    void settingsChanged(const SpreadServer::Settings &settings);
    /** Something for the status bar, e.g. why the allow-list is not valid. */
    void statusMessagePosted(const QString &text);

private:
    void buildControls();
    void layOut();
    void connectControls();
    /** The controls into m_settings (the allow-list and the framing only if valid), then settingsChanged(). */
    void apply();
    /** The framing and the longest message into m_settings, if they fit each other. */
    void applyFraming();
    /** The welcome bytes field into m_settings, if it is hex. */
    void applyWelcomeBytes();

    SpreadServer::Settings m_settings;
    QCheckBox *m_relayCheck = nullptr;
    QLineEdit *m_welcomeEdit = nullptr;
    QLineEdit *m_welcomeHexEdit = nullptr;
    FramingEdit *m_framingEdit = nullptr;
    QSpinBox *m_maxClientsSpin = nullptr;
    QSpinBox *m_maxMessageSpin = nullptr;
    QDoubleSpinBox *m_maxBacklogSpin = nullptr;
    QSpinBox *m_flushSpin = nullptr;
    QSpinBox *m_maxPerAddressSpin = nullptr;
    QSpinBox *m_maxHandshakesSpin = nullptr;
    QLineEdit *m_allowEdit = nullptr;
};
