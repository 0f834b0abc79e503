"""`SibylCallback` for Hugging Face `transformers.Trainer`: report, prune and complete.

    from sibyl.integrations.transformers import SibylCallback

    def objective(trial: sibyl.Trial) -> None:
        args = TrainingArguments("out", eval_strategy="epoch", num_train_epochs=5,
                                 learning_rate=trial.parameters["learning_rate"])
        trainer = Trainer(model, args, train_dataset=train, eval_dataset=valid,
                          callbacks=[SibylCallback(trial, "eval_loss")])
        trainer.train()

    sibyl.optimize(objective, study, n_trials=30)

After each evaluation (`eval_strategy` "epoch" or "steps") the monitored metric,
"eval_loss" or any `eval_<name>` that `compute_metrics` returns, is reported to the
trial at the global step as the study's objective; when the study's early-stopping
policy stops the trial, training stops (`control.should_training_stop`); when training
ends the trial is completed with the best value (or the last, `complete_with="last"`).
Training without evaluation reports nothing: the trial is then completed as infeasible.
`pip install 'sibyl[transformers]'`. One process per trial: under distributed training
the callback reports from the main process only.
"""

from __future__ import annotations

from typing import Any

from transformers import TrainerCallback, TrainerControl, TrainerState, TrainingArguments

from sibyl.integrations._reporting import EpochCallback, missing_monitor


class SibylCallback(EpochCallback, TrainerCallback):
    """Reports `monitor` after each evaluation to `trial`, stops when Sibyl says so,
    completes the trial.

    The arguments are `EpochCallback`'s: `monitor` is the evaluation metric to report
    ("eval_loss" by default).
    """

    default_monitor = "eval_loss"

    def on_evaluate(
        self,
        args: TrainingArguments,
        state: TrainerState,
        control: TrainerControl,
        metrics: dict[str, float] | None = None,
        **kwargs: Any,
    ) -> None:
        if not state.is_world_process_zero:
            return
        metrics = metrics or {}
        if self.reporter.monitor not in metrics:
            raise missing_monitor(self.reporter.monitor, metrics)
        if self.reporter.report(float(metrics[self.reporter.monitor]), state.global_step):
            control.should_training_stop = True

    def on_train_end(
        self, args: TrainingArguments, state: TrainerState, control: TrainerControl, **kwargs: Any
    ) -> None:
        if state.is_world_process_zero:
            self.reporter.finish()
