"""Fixed assets: the asset register, depreciation (linear, GWG, Sammelposten), disposal and the Anlagenspiegel."""
