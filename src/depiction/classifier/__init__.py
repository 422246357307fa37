"""The learned multilingual harm classifier: hashed character n-grams and one linear head per
harm category, trained here on a corpus written for depiction (``corpus/``)."""
