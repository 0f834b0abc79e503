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

from sibyl.integrations._reporting import EpochCallback, missing_monitor, rank_zero_decision


class SibylCallback(EpochCallback, TrainerCallback):
    """Reports `monitor` after each evaluation to `trial`, stops when Sibyl says so,
    completes the trial.

    The arguments are `EpochCallback`'s: `monitor` is the evaluation metric to report
    ("eval_loss" by default).
    """

    default_monitor = "eval_loss"
    _round_step: int | None = None
    """The global step of the evaluations seen last (one per evaluation dataset)."""
    _round_keys: dict[str, float] | None = None
    """Their keys while none had `monitor`; None once one had it."""

    def on_evaluate(
        self,
        args: TrainingArguments,
        state: TrainerState,
        control: TrainerControl,
        metrics: dict[str, float] | None = None,
        **kwargs: Any,
    ) -> None:
        stop = False
        if state.is_world_process_zero:
            stop = self._evaluated(state.global_step, metrics or {})
        # Every rank evaluates, so every rank is here: each learns rank 0's decision (a
        # rank that stopped alone would leave the others waiting in a collective).
        if rank_zero_decision(stop):
            control.should_training_stop = True

    def _evaluated(self, step: int, metrics: dict[str, float]) -> bool:
        """Reports `monitor` if this evaluation has it: with several evaluation datasets,
        each is evaluated in turn and has its own keys (`eval_<dataset>_loss`). A monitor
        that no evaluation of a round had is an error, raised at the next round."""
        if step != self._round_step:
            self._check_monitor()
            self._round_step, self._round_keys = step, {}
        if self.reporter.monitor not in metrics:
            if self._round_keys is not None:  # none of this round's had it yet
                self._round_keys.update(metrics)
            return False
        self._round_keys = None
        return self.reporter.report(float(metrics[self.reporter.monitor]), step)

    def _check_monitor(self) -> None:
        if self._round_keys is not None and not self.reporter.values:
            raise missing_monitor(self.reporter.monitor, self._round_keys)

    def on_train_end(
        self, args: TrainingArguments, state: TrainerState, control: TrainerControl, **kwargs: Any
    ) -> None:
        if state.is_world_process_zero:
            if not self.reporter.diverged:
                self._check_monitor()
            self.reporter.finish()
