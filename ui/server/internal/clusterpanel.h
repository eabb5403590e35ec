// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QWidget>

#include <optional>

#include "cluster/clusterbridge.h"

class ClusterPeerModel;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;

/**
 * The server window's Cluster tab: where to join (NATS servers, domain,
 * server id, reconnect buffer), Join cluster / Leave cluster, and how the
 * bridge is doing (state, node, messages, buffer).
 *
 * It holds no bridge: a click asks the window by joinRequested() or
 * leaveRequested(), and the window tells it what happened with setState(),
 * setStats() and showJoinProblem(). A build without libnats shows the
 * controls disabled, with the reason.
 */
class ClusterPanel : public QWidget
{
    Q_OBJECT

public:
    /** The form as typed, for the settings file: the servers as one line, unchecked. */
    struct Fields {
        QString servers;
        QString domain;
        QString serverId;
        qint64 bufferBytes = ClusterBridge::Settings().reconnectBufferBytes;
        // TLS and credentials: file paths only, the secrets stay in their files.
        QString caFile;
        QString certFile;
        QString keyFile;
        QString user;
        QString passwordFile;
        QString tokenFile;
        QString credsFile;
        QString nkeySeedFile;
        QByteArray password;   ///< from SPREAD_NATS_PASSWORD at launch; never saved
    };

    explicit ClusterPanel(QWidget *parent = nullptr);

    Fields fields() const;
    void setFields(const Fields &fields);

    /**
     * The form as bridge settings; nothing if a field is not valid: that
     * field is marked and focused, and statusMessagePosted() says why.
     */
    std::optional<ClusterBridge::Settings> validatedSettings();

    /** The fields and the join button in tab order, for the window's tab chain. */
    QList<QWidget *> focusChain() const;

    /** Off, Connecting, Connected, Reconnecting: in the window's words. */
    static QString stateText(ClusterBridge::State state);

    /** The bridge's state: the form is locked while in a cluster and the button says Leave. */
    void setState(ClusterBridge::State state);
    /** The node in use, messages published and received, the buffer, drops and gaps. */
    void setStats(const ClusterBridge::Stats &stats);
    /** Joining failed before the bridge started: said in place of the state. */
    void showJoinProblem(const QString &text);

    /** What the join button does: join when out of a cluster, leave when in one. F6 in the window. */
    void toggleJoined();

signals:
    /** Join clicked, with valid settings. */
    void joinRequested(const ClusterBridge::Settings &settings);
    /** Leave clicked. */
    void leaveRequested();
    /** Something for the status bar, e.g. why a field is not valid. */
    void statusMessagePosted(const QString &text);

private:
    void buildForm();
    void buildSecurityForm();
    QWidget *securityBox();
    void buildStateLabels();
    void layOut();
    void connectControls();
    void requestJoin();

    ClusterBridge::State m_state = ClusterBridge::State::Off;
    QLineEdit *m_natsEdit = nullptr;
    QLineEdit *m_domainEdit = nullptr;
    QLineEdit *m_serverIdEdit = nullptr;
    QDoubleSpinBox *m_bufferSpin = nullptr;
    QPushButton *m_joinButton = nullptr;
    QPushButton *m_securityButton = nullptr;   // shows or hides the TLS and credentials fields
    QWidget *m_securityBox = nullptr;
    QLineEdit *m_caEdit = nullptr;
    QLineEdit *m_certEdit = nullptr;
    QLineEdit *m_keyEdit = nullptr;
    QLineEdit *m_userEdit = nullptr;
    QLineEdit *m_passwordFileEdit = nullptr;
    QLineEdit *m_tokenFileEdit = nullptr;
    QLineEdit *m_credsEdit = nullptr;
    QLineEdit *m_seedEdit = nullptr;
    QByteArray m_password;
    QLabel *m_stateLabel = nullptr;
    QLabel *m_nodeLabel = nullptr;
    QLabel *m_trafficLabel = nullptr;
    QLabel *m_bufferLabel = nullptr;
};

/**
 * The server window's "Cluster servers" tab, beside the connected clients:
 * the servers of the domain (a ClusterPeerModel) and the domain's totals
 * below them.
 */
class ClusterPeersPanel : public QWidget
{
    Q_OBJECT

public:
    explicit ClusterPeersPanel(QWidget *parent = nullptr);

    ClusterPeerModel *model() const { return m_model; }
    /** "Cluster servers", with their number while in a cluster: the tab's title. */
    QString title() const;

    /** In a cluster (any state but Off) in @p domain, or out of it. */
    void setState(ClusterBridge::State state, const QString &domain);
    void setPeers(const QList<ClusterBridge::Peer> &peers);

signals:
    void titleChanged(const QString &title);

private:
    void updateTotals();

    ClusterPeerModel *m_model = nullptr;
    QTableView *m_view = nullptr;
    QLabel *m_totalLabel = nullptr;
    bool m_joined = false;
    QString m_domain;
    QString m_title;
};
