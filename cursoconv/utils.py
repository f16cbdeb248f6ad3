"""Tudo o que as lições usam, num lugar só: ``from cursoconv import utils``.

``load_data_fashion_mnist``, ``evaluate_accuracy`` e ``train_validate`` têm os nomes
e as chamadas da aula original. O código mora no núcleo: ``ambiente`` (modo rápido,
sementes, dispositivo), ``dados`` (os arquivos do Fashion-MNIST), ``carregadores``
(lotes, modo rápido, ``dividir_validacao``), ``treino``, ``avaliacao``, ``protecao``,
``grafo_cuda`` (o laço de treino e seus extras), ``graficos`` e ``formato``.
Nenhum módulo do pacote importa este.
"""

from .ambiente import (EPOCAS_RAPIDO, VARIAVEL_RAPIDO, DispositivoIndisponivel, conferir_dispositivo,
                       descrever_dispositivo, escolher_dispositivo, fixar_semente, modo_rapido,
                       relatar_ambiente)
from .avaliacao import evaluate_accuracy
from .carregadores import (LIMITE_MEMORIA_GIB, SUBCONJUNTO, TAMANHO_VALIDACAO, CarregadorDeTensores,
                           dividir_validacao, load_data_fashion_mnist, para_tensores)
from .dados import (CLASSES, MD5_DESCOMPACTADO, RAIZ_PADRAO, VARIAVEL_DADOS, ErroDeDados,
                    preparar_fashion_mnist)
from .graficos import mostrar_imagens, plotar_historico
from .protecao import AvaliacaoInvalida, TreinoDivergiu
from .treino import train_validate

__all__ = [
    "AvaliacaoInvalida", "CLASSES", "CarregadorDeTensores", "DispositivoIndisponivel", "EPOCAS_RAPIDO", "ErroDeDados",
    "LIMITE_MEMORIA_GIB", "MD5_DESCOMPACTADO", "RAIZ_PADRAO", "SUBCONJUNTO", "TAMANHO_VALIDACAO", "TreinoDivergiu",
    "VARIAVEL_DADOS", "VARIAVEL_RAPIDO", "conferir_dispositivo", "descrever_dispositivo",
    "dividir_validacao", "escolher_dispositivo", "evaluate_accuracy", "fixar_semente", "load_data_fashion_mnist",
    "modo_rapido", "mostrar_imagens", "para_tensores", "plotar_historico", "preparar_fashion_mnist",
    "relatar_ambiente", "train_validate",
]
