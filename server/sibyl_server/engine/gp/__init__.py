"""GP_BANDIT: Bayesian optimization with BoTorch, one module per stage of a step.

A model-based step runs each stage once, in order:

1. `data`: the completed trials (a subset in large studies) encoded into a training set,
   one outcome per objective, constraint metric and, once a trial failed, feasibility.
2. `model`: one GP per outcome (`kernels`, `fit`), warm-started from the last step's
   hyperparameters.
3. `acquisition`: the first registered strategy that applies chooses the points.
4. `optimize`: maximizes the strategy's acquisition over the mixed search space.
5. `designer`: decodes the points, replaces repeats; the initial design and any failed
   step use the study's Sobol sequence instead.
"""
