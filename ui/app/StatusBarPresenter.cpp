#include "app/StatusBarPresenter.h"

#include "models/RunActivity.h"
#include "models/StateTreeModel.h"
#include "secrets/SecretVault.h"
#include "state/StateIndex.h"
#include "state/StateSession.h"
#include "widgets/Plural.h"

#include <QLabel>
#include <QLocale>
#include <QStatusBar>

namespace athanor::ui {

StatusBarPresenter::StatusBarPresenter(QStatusBar* bar, StateSession* session, StateTreeModel* model,
                                       SecretVault* vault, RunActivity* activity)
    : QObject(bar), m_bar(bar), m_session(session), m_model(model), m_vault(vault) {
    m_countsLabel = new QLabel;
    m_countsLabel->setObjectName(QStringLiteral("countsLabel"));
    m_secretsLabel = new QLabel;
    m_loadLabel = new QLabel;
    m_loadLabel->setObjectName(QStringLiteral("loadLabel"));
    bar->addWidget(m_countsLabel, 1);
    bar->addPermanentWidget(m_secretsLabel);
    bar->addPermanentWidget(m_loadLabel);

    connect(session, &StateSession::loadStarted, this, [this] {
        if (!m_model->stateIndex())
            m_loadLabel->setText(tr("Loading…"));
    });
    connect(session, &StateSession::loadFinished, this,
            [this](qint64 ms) { m_loadLabel->setText(tr("Loaded in %1 ms").arg(ms)); });
    connect(session, &StateSession::loadProgress, this, [this](qint64 loaded, qint64 total) {
        if (total > 0 && loaded < total && !m_session->loadingIndex()) // else showRecordCount()
            m_loadLabel->setText(loadingRecordsText(loaded, total));
    });
    connect(session, &StateSession::loadFailed, this, [this](const QString& message) {
        // The last good tree (if any) stays on screen; the failure is said where the load time goes.
        m_loadLabel->setText(tr("Load failed"));
        m_loadLabel->setToolTip(message);
        m_bar->showMessage(tr("Cannot read the state: %1").arg(message), 15000);
    });
    connect(session, &StateSession::sourceResolved, this, [this](const QString&, const QString& note) {
        if (!note.isEmpty())
            m_bar->showMessage(note, 20000); // a folder holding only state.sqlite: say what was opened
    });
    connect(activity, &RunActivity::changed, this, &StatusBarPresenter::showCounts);
    connect(vault, &SecretVault::secretsChanged, this, &StatusBarPresenter::showCounts);
    connect(vault, &SecretVault::passwordsChanged, this, &StatusBarPresenter::showCounts);
}

void StatusBarPresenter::showCounts() {
    const auto index = m_model->stateIndex();
    if (!index || !index->hasState()) {
        m_countsLabel->clear();
        m_secretsLabel->clear();
        return;
    }
    QStringList parts{plural(index->apps, tr("1 app"), tr("%1 apps")),
                      plural(index->stages, tr("1 stage"), tr("%1 stages"))};
    if (index->scopes > 0)
        parts << plural(index->scopes, tr("1 scope"), tr("%1 scopes"));
    parts << plural(index->resources, tr("1 resource"), tr("%1 resources"));
    const StateTreeModel::Totals totals = m_model->totals();
    if (totals.running)
        parts << tr("%1 running").arg(totals.running);
    if (totals.failed)
        parts << tr("%1 failed").arg(totals.failed);
    if (totals.interrupted)
        parts << tr("%1 interrupted").arg(totals.interrupted);
    if (index->unreadable)
        parts << tr("%1 unreadable").arg(index->unreadable);
    if (totals.pending)
        parts << plural(totals.pending, tr("1 pending deletion"), tr("%1 pending deletions"));
    m_countsLabel->setText(parts.join(QStringLiteral(" · ")));
    if (index->secrets == 0)
        m_secretsLabel->clear();
    else if (!m_vault->hasPasswords())
        m_secretsLabel->setText(plural(index->secrets, tr("1 secret, locked"), tr("%1 secrets, locked")));
    else
        m_secretsLabel->setText(tr("%1 of %2 secrets open").arg(m_vault->openCount()).arg(index->secrets));
}

QString StatusBarPresenter::loadingRecordsText(qint64 loaded, qint64 total) {
    const QLocale locale;
    return tr("Loading records %1 / %2").arg(locale.toString(loaded), locale.toString(total));
}

void StatusBarPresenter::showRecordCount(const StateIndex& index) {
    if (index.loading())
        m_loadLabel->setText(
            loadingRecordsText(qint64(index.loadedRecords()), qint64(index.snapshot->records.size())));
}

void StatusBarPresenter::showLoadCancelled() {
    m_loadLabel->setText(tr("Load cancelled"));
}

} // namespace athanor::ui
