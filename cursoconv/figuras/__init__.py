"""As figuras do curso: ``figuras.desenhar_correlacao(...)`` e as outras, um arquivo por assunto.

``base.py`` (cores, contraste, a grade de valores, o GIF), ``correlacao.py``
(lições 1 a 3), ``agrupamento.py`` (lição 4), ``lenet.py`` (lições 5 e 6) e
``explorador.py`` (o explorador interativo, com ``explorador.js`` e ``explorador.css``).
"""
from .agrupamento import animar_agrupamento, conta_agrupamento, desenhar_agrupamento, desenhar_deslocamento
from .base import COR_BORDA, contraste, cor_do_texto
from .correlacao import (animar_correlacao, desenhar_correlacao, expressao, grafico_encolhimento,
                         mostrar_matrizes)
from .explorador import explorador
from .lenet import (desenhar_arquitetura, desenhar_curvas, desenhar_filtros, desenhar_mapas, desenhar_matriz_de_confusao,
                    desenhar_previsoes)

__all__ = [
    "COR_BORDA", "animar_agrupamento", "animar_correlacao", "contraste", "conta_agrupamento", "cor_do_texto",
    "desenhar_agrupamento", "desenhar_arquitetura", "desenhar_correlacao", "desenhar_curvas", "desenhar_deslocamento",
    "desenhar_filtros", "desenhar_mapas", "desenhar_matriz_de_confusao", "desenhar_previsoes", "expressao",
    "explorador", "grafico_encolhimento", "mostrar_matrizes",
]
