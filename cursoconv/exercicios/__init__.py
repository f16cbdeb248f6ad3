"""Os verificadores dos exercícios: ``base.py`` (o formato comum, o sorteio das entradas e o vigia
dos atalhos) e um arquivo por lição, ``licao0.py`` a ``licao6.py``.

As lições os chamam como ``from cursoconv.exercicios import licao4`` e
``licao4.verificar_lado_da_pilha(...)``.
"""
