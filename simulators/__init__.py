"""Faithful test doubles for systems that cannot run here (TI connector, KIM, Veeam, ...)."""
