"""Tudo o que as lições usam, num lugar só: ``from cursoconv import utils``.

Os nomes ``load_data_fashion_mnist``, ``evaluate_accuracy`` e ``train_validate``
são os da aula original, com as mesmas chamadas, para que o material antigo
continue funcionando. O código mora em módulos menores, um por função:

``cursoconv.ambiente``
    modo rápido (``CURSO_RAPIDO``), sementes, dispositivo e relatório do ambiente;
``cursoconv.dados``
    os arquivos do Fashion-MNIST: achar, conferir e baixar (``FASHION_MNIST_DIR``);
``cursoconv.carregadores``
    o subconjunto do modo rápido, os carregadores de lotes e a validação
    separada do treino (``dividir_validacao``);
``cursoconv.treino``, ``cursoconv.avaliacao``, ``cursoconv.protecao``, ``cursoconv.grafo_cuda``
    o laço de treino, a avaliação, o que protege o trabalho do estudante
    (perda NaN, Stop) e a iteração de treino gravada num grafo CUDA;
``cursoconv.graficos``, ``cursoconv.formato``
    as curvas de um treino e a grade de imagens; números com vírgula decimal.

Nenhum módulo do pacote importa este: ele é só a porta de entrada das lições.
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
from .treino import AvaliacaoInvalida, TreinoDivergiu, train_validate

__all__ = [
    "AvaliacaoInvalida", "CLASSES", "CarregadorDeTensores", "DispositivoIndisponivel", "EPOCAS_RAPIDO", "ErroDeDados",
    "LIMITE_MEMORIA_GIB", "MD5_DESCOMPACTADO", "RAIZ_PADRAO", "SUBCONJUNTO", "TAMANHO_VALIDACAO", "TreinoDivergiu",
    "VARIAVEL_DADOS", "VARIAVEL_RAPIDO", "conferir_dispositivo", "descrever_dispositivo",
    "dividir_validacao", "escolher_dispositivo", "evaluate_accuracy", "fixar_semente", "load_data_fashion_mnist",
    "modo_rapido", "mostrar_imagens", "para_tensores", "plotar_historico", "preparar_fashion_mnist",
    "relatar_ambiente", "train_validate",
]
