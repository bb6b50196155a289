#include "widgets/StageLockQuestion.h"

#include <QCoreApplication>
#include <QMessageBox>
#include <QPushButton>

namespace athanor::ui {

namespace {

QString tr(const char* text) {
    return QCoreApplication::translate("athanor::ui::StageLockQuestion", text);
}

} // namespace

QMessageBox* makeStageLockQuestion(QWidget* parent, const QString& what, const QString& stages,
                                   const QString& reason) {
    auto* question =
        new QMessageBox(QMessageBox::Warning, tr("Run without a stage lock?"),
                        tr("%1 on stage <b>%2</b> cannot lock the stage: %3.<br><br>"
                           "Another run on this stage at the same time (a teammate, CI) could "
                           "overwrite what this one writes. Run anyway, without a lock, this "
                           "time only?")
                            .arg(what.toHtmlEscaped(), stages.toHtmlEscaped(), reason.toHtmlEscaped()),
                        QMessageBox::Cancel, parent);
    question->setObjectName(QStringLiteral("stageLockQuestion"));
    question->setTextFormat(Qt::RichText);
    QPushButton* run = question->addButton(tr("Run without a stage lock"), QMessageBox::AcceptRole);
    run->setObjectName(QStringLiteral("runWithoutLock"));
    question->setDefaultButton(QMessageBox::Cancel); // the safe answer is the default
    return question;
}

bool runsWithoutLock(const QMessageBox* question) {
    const auto* clicked = question ? question->clickedButton() : nullptr;
    return clicked && clicked->objectName() == QLatin1String("runWithoutLock");
}

} // namespace athanor::ui
